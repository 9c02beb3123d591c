package dev.unlearn.cli.requests;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.testing.TinyWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's end-to-end acceptance through the CLI with real unlearning (the standard policy's NPO):
 * a request naming one fictitious author passes verification, the audit log verifies, resubmission
 * is idempotent, and the log holds none of the forgotten text.
 */
class RequestEndToEndTest {
    @Test
    void requestForOneAuthorIsAcceptedAndAudited(@TempDir Path tmp) throws Exception {
        TinyWorld.Paths3 w = TinyWorld.get();
        List<QaRecord> forget = QaReader.read(w.data().resolve("forget10.json"));
        String subject = forget.get(0).entity();
        Path req = tmp.resolve("request.json");
        Files.writeString(req, "{\"request_id\": \"DR-E2E-1\", \"subject\": \"" + subject + "\","
                + " \"selectors\": {\"entities\": [\"" + subject + "\"]}, \"policy\": \"standard\"}");
        Path out = tmp.resolve("compliance");
        Path key = tmp.resolve("unlearn.key");
        assertEquals(ExitCodes.OK, CliRun.of("request", "keygen", key.toString()).code());
        String[] args = {"request", "submit", req.toString(), "--training-data", w.data().toString(), "--model",
            w.full().toString(), "--out", out.toString(), "--max-new-tokens", "24", "--key", key.toString()};
        CliRun r = CliRun.of(args);
        System.out.println(r.out());
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        assertTrue(r.out().contains("ACCEPTED"), r.toString());
        assertTrue(Files.isRegularFile(out.resolve("accepted/DR-E2E-1/model/model.safetensors")));

        CliRun v = CliRun.of("request", "verify-log", out.resolve("audit.jsonl").toString(), "--key", key.toString());
        assertEquals(ExitCodes.OK, v.code(), v.toString());
        assertTrue(v.out().contains("1 entries") && v.out().contains("HMAC verified"), v.toString());

        CliRun again = CliRun.of(args);
        assertEquals(ExitCodes.OK, again.code(), again.toString());
        assertTrue(again.out().contains("already processed"), again.toString());
        assertEquals(1, new AuditLog(out.resolve("audit.jsonl")).entries().size());

        String log = Files.readString(out.resolve("audit.jsonl"));
        assertFalse(log.contains(subject));
        for (QaRecord q : forget) {
            assertFalse(log.contains(q.answer()), "answer text in the audit log");
        }
        JsonNode e = new ObjectMapper().readTree(log.lines().findFirst().orElseThrow());
        assertEquals(20, e.get("forget_set").get("count").asInt());
        assertEquals("accepted", e.get("status").asText());
        assertEquals(5, e.get("verification").size());
        // NPO's π_ref came from an on-disk cache in the request's scratch folder, not a model copy, and the
        // cache (derived from the forgotten records) is gone with the folder
        assertEquals("cached_reference", e.path("unlearning").path("reference").asText(), e.toString());
        assertFalse(Files.exists(out.resolve(".work/DR-E2E-1")), "scratch folder left behind");
        // the standard policy verified after every step and stopped at the first that passed: the training ran
        // exactly to that step, and the last measurement found no failing check
        JsonNode stop = e.path("unlearning").path("verified_stop");
        assertEquals(1, stop.path("every").asInt(), e.toString());
        assertEquals(stop.path("stopped_at").asLong(), e.path("unlearning").path("steps").asLong(), e.toString());
        JsonNode last = stop.path("measured").get(stop.path("measured").size() - 1);
        assertEquals(0, last.path("failed").size(), stop.toString());
        Bounds.record("RequestEndToEnd.npo.stoppedAt", stop.path("stopped_at").asDouble(), "<=", 24);
        e.get("verification").forEach(c -> Bounds.record("RequestEndToEnd.npo." + c.get("name").asText(),
                c.get("value").asDouble(), "<=", c.get("threshold").asDouble()));

        // a tampered entry is reported with exit code 1
        Files.writeString(out.resolve("audit.jsonl"), log.replace("\"accepted\"", "\"rejected\""));
        CliRun bad = CliRun.of("request", "verify-log", out.resolve("audit.jsonl").toString());
        assertEquals(ExitCodes.CHECK_FAILED, bad.code(), bad.toString());
        assertTrue(bad.out().contains("BROKEN at entry 1"), bad.toString());
    }

    /**
     * A deployment policy that trains LoRA adapters on a bf16 base (what a large model needs): the run goes
     * through, the reference is the adapter-disabled base (no copy, no cache), the audit entry records the
     * adapters and the precision, and the published model is a merged bf16 checkpoint with no adapter
     * tensors, which loads.
     */
    @Test
    void aLoraPolicyOnABf16BasePublishesAMergedBf16Model(@TempDir Path tmp) throws Exception {
        JsonNode e = submitUnderPolicy(tmp, "adapters", "DR-LORA-1", "{max_steps: 16, lr: 0.01, batch_size: 4,"
                + " schedule: constant, lora: {rank: 8, targets: all}, precision: bf16}");
        Path out = tmp.resolve("compliance");
        assertEquals("adapter_disabled_base", e.path("unlearning").path("reference").asText(), e.toString());
        assertEquals(8, e.path("lora").path("rank").asInt(), e.toString());
        assertEquals("bf16", e.path("precision").asText(), e.toString());
        assertTrue(e.path("unlearning").path("forget_nll_after").asDouble() > e.path("unlearning").path("forget_nll_before")
                .asDouble(), "the adapters moved the forget NLL up: " + e.path("unlearning"));
        Path model = out.resolve(e.path("status").asText()).resolve("DR-LORA-1/model");
        JsonNode cfg = new ObjectMapper().readTree(model.resolve("config.json").toFile());
        assertEquals("bfloat16", cfg.path("torch_dtype").asText());
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
                dev.unlearn.core.model.CausalLm lm = dev.unlearn.core.io.Checkpoint.load(model, m)) {
            assertTrue(lm.parameters().keySet().stream().noneMatch(n -> n.contains("lora")), lm.parameters().keySet().toString());
            assertEquals(null, lm.adapters());
        }
        assertFalse(Files.exists(out.resolve(".work/DR-LORA-1")), "scratch folder left behind");
    }

    /**
     * A policy's {@code train.reference_cache_mb}, read as a recipe's method stage reads it, reaches the
     * runner: with 0 NPO's π_ref is a copy of the model instead of the on-disk cache the standard policy
     * uses (the first test), and the audit entry records the limit.
     */
    @Test
    void aPolicysReferenceCacheLimitReachesTheRunner(@TempDir Path tmp) throws Exception {
        JsonNode e = submitUnderPolicy(tmp, "no-cache", "DR-COPY-1",
                "{max_steps: 2, lr: 0.001, batch_size: 4, schedule: constant, reference_cache_mb: 0}");
        assertEquals("model_copy", e.path("unlearning").path("reference").asText(), e.toString());
        assertEquals(0, e.path("reference_cache_mb").asInt(-1), e.toString());
        assertEquals(2, e.path("unlearning").path("steps").asInt(), e.toString());
    }

    /**
     * Submits a request for the first forget10 author under a policy file's one policy (NPO with the given
     * {@code train} section), expecting it accepted or rejected, and returns its audit entry.
     */
    private static JsonNode submitUnderPolicy(Path tmp, String policy, String id, String train) throws Exception {
        TinyWorld.Paths3 w = TinyWorld.get();
        String subject = QaReader.read(w.data().resolve("forget10.json")).get(0).entity();
        Path policies = tmp.resolve("policies.yaml");
        Files.writeString(policies, "policies:\n  " + policy + ":\n    method: npo\n    config: {beta: 0.1, alpha: 5.0,"
                + " gamma: 1.0}\n    train: " + train + "\n    thresholds: {max_forget_probability: 0.3,"
                + " max_forget_rouge: 0.7, mia_auc_band: 0.25, max_extraction_rate: 0.2, max_utility_drop: 0.3}\n");
        Path req = tmp.resolve("request.json");
        Files.writeString(req, "{\"request_id\": \"" + id + "\", \"subject\": \"" + subject + "\","
                + " \"selectors\": {\"entities\": [\"" + subject + "\"]}, \"policy\": \"" + policy + "\"}");
        Path key = tmp.resolve("unlearn.key");
        Files.writeString(key, "cd".repeat(32));
        Path out = tmp.resolve("compliance");
        CliRun r = CliRun.of("request", "submit", req.toString(), "--training-data", w.data().toString(), "--model",
                w.full().toString(), "--out", out.toString(), "--max-new-tokens", "24", "--key", key.toString(),
                "--policies", policies.toString(), "-q");
        assertTrue(r.code() == ExitCodes.OK || r.code() == ExitCodes.CHECK_FAILED, r.toString());
        return new ObjectMapper().readTree(Files.readString(out.resolve("audit.jsonl")).lines().findFirst().orElseThrow());
    }

    @Test
    void selectorsMatchingNothingExitWithCodeTwo(@TempDir Path tmp) throws Exception {
        TinyWorld.Paths3 w = TinyWorld.get();
        Path req = tmp.resolve("request.json");
        Files.writeString(req, "{\"request_id\": \"DR-E2E-2\", \"subject\": \"Nobody\","
                + " \"selectors\": {\"entities\": [\"Nobody Atall\"]}}");
        Path key = tmp.resolve("unlearn.key");
        Files.writeString(key, "ab".repeat(32));
        CliRun r = CliRun.of("request", "submit", req.toString(), "--training-data", w.data().toString(), "--model",
                w.full().toString(), "--out", tmp.resolve("c").toString(), "--key", key.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("match no record"), r.toString());
        assertFalse(Files.exists(tmp.resolve("c/audit.jsonl")));
    }
}

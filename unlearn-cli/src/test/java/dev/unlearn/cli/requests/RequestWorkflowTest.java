package dev.unlearn.cli.requests;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.train.TrainingLoop;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request workflow's guarantees, with exact unlearning as the unlearning step (the weights of the
 * model retrained without the subject are copied in), so the test is about the workflow: idempotency,
 * crash recovery, audit integrity, and no forgotten text in the log.
 */
class RequestWorkflowTest {
    static final DeploymentKey KEY = DeploymentKey.of("unlearn-test-key-0123456789abcdef".getBytes(
            java.nio.charset.StandardCharsets.UTF_8));
    static TinyWorld.Paths3 world;
    static String subject;

    @BeforeAll
    static void fixture() {
        world = TinyWorld.get();
        subject = QaReader.read(world.data().resolve("forget10.json")).get(0).entity();
    }

    private static Unlearner exact(AtomicInteger calls) {
        return (lm, modelDir, forget, retain, qt, method, config, train, seed, scratch, monitor) -> {
            calls.incrementAndGet();
            try (NDManager m = NDManager.newBaseManager(); CausalLm retrained = Checkpoint.load(world.retain(), m)) {
                Map<String, NDArray> src = retrained.parameters();
                lm.parameters().forEach((k, v) -> v.set(src.get(k).toFloatArray()));
            }
            return Map.of("method", "exact-retrain", "forget_records", forget.size());
        };
    }

    private static DeletionRequest request(String id, String... entities) {
        return new DeletionRequest(id, subject, new DeletionRequest.Selectors(null, null, null, List.of(entities)), null,
                "standard", null, null, null, null);
    }

    /** Prints each verification check of the outcome next to its threshold (docs/test-bounds.md). */
    private static void recordChecks(String prefix, RequestWorkflow.Outcome o) {
        o.auditEntry().get("verification").forEach(c -> Bounds.record(prefix + c.get("name").asText(),
                c.get("value").asDouble(), "<=", c.get("threshold").asDouble()));
    }

    private RequestWorkflow.Options opts() {
        return new RequestWorkflow.Options(world.data(), world.full(), null, "plain", 24, 0, 40);
    }

    @Test
    void acceptedOnceIdempotentAndAuditHoldsNoText(@TempDir Path out) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        StringWriter log = new StringWriter();
        RequestWorkflow wf = new RequestWorkflow(out, KEY, PolicySet.builtIn(), exact(calls), new PrintWriter(log, true));
        RequestWorkflow.Outcome o = wf.submit(request("DR-1", subject), null, opts());
        recordChecks("RequestWorkflow.retainModel.", o);
        assertTrue(o.accepted(), log.toString());
        assertTrue(Files.isRegularFile(out.resolve("accepted/DR-1/model/model.safetensors")));
        RequestWorkflow.Outcome again = wf.submit(request("DR-1", subject), null, opts());
        assertTrue(again.alreadyDone());
        assertEquals(1, calls.get(), "resubmission must not unlearn twice");
        assertEquals(1, wf.auditLog().entries().size());
        assertTrue(wf.auditLog().verify().ok());
        String text = Files.readString(out.resolve("audit.jsonl"));
        assertFalse(text.contains(subject), "subject name in the audit log");
        for (QaRecord r : QaReader.read(world.data().resolve("forget10.json"))) {
            assertFalse(text.contains(r.answer()), "forget answer in the audit log");
            assertFalse(text.contains(r.question()), "forget question in the audit log");
        }
        assertThrows(InvalidInputException.class, () -> wf.submit(request("DR-1", subject, "someone else"), null, opts()),
                "a different request reusing the id");
    }

    @Test
    void crashBeforeTheAuditAppendIsCompletedByTheRerun(@TempDir Path out) {
        AtomicInteger calls = new AtomicInteger();
        RequestWorkflow wf = new RequestWorkflow(out, KEY, PolicySet.builtIn(), exact(calls), new PrintWriter(new StringWriter()));
        wf.beforeAppend = () -> {
            throw new IllegalStateException("injected crash");
        };
        assertThrows(IllegalStateException.class, () -> wf.submit(request("DR-2", subject), null, opts()));
        assertEquals(0, wf.auditLog().entries().size());
        RequestWorkflow rerun = new RequestWorkflow(out, KEY, PolicySet.builtIn(), exact(calls), new PrintWriter(new StringWriter()));
        RequestWorkflow.Outcome o = rerun.submit(request("DR-2", subject), null, opts());
        assertTrue(o.accepted());
        assertEquals(1, calls.get(), "the re-run reuses the finished result");
        assertEquals(1, rerun.auditLog().entries().size());
        assertTrue(rerun.auditLog().verify().ok());
    }

    @Test
    void failedVerificationIsRejectedAndNotPublished(@TempDir Path out) {
        Unlearner nothing = (lm, dir, f, r, qt, m, c, t, s, w, mon) -> Map.of("method", "none");
        RequestWorkflow wf = new RequestWorkflow(out, KEY, PolicySet.builtIn(), nothing, new PrintWriter(new StringWriter()));
        RequestWorkflow.Outcome o = wf.submit(request("DR-3", subject), null, opts());
        recordChecks("RequestWorkflow.fullModel.", o);
        assertFalse(o.accepted());
        assertTrue(Files.isDirectory(out.resolve("rejected/DR-3/model")));
        assertFalse(Files.exists(out.resolve("accepted/DR-3")));
        assertFalse(Files.exists(out.resolve("current.json")));
        assertEquals("rejected", wf.auditLog().entries().get(0).get("status").asText());
    }

    /** A deployment's policy: the standard one, verified every 2 steps (the built-ins verify after every step). */
    private static PolicySet everySecondStep(Path dir) throws Exception {
        Path f = dir.resolve("policies.yaml");
        Files.writeString(f, """
                policies:
                  checked:
                    method: npo
                    config: {beta: 0.1, alpha: 5.0, gamma: 1.0}
                    train: {max_steps: 16, lr: 0.001, batch_size: 4, weight_decay: 0.0, schedule: constant}
                    thresholds: {max_forget_probability: 0.25, max_forget_rouge: 0.65, mia_auc_band: 0.25,
                                 max_extraction_rate: 0.2, max_utility_drop: 0.25}
                    verify_every: 2
                """);
        return PolicySet.load(f);
    }

    private static DeletionRequest checked(String id) {
        return new DeletionRequest(id, subject, new DeletionRequest.Selectors(null, null, null, List.of(subject)), null,
                "checked", null, null, null, null);
    }

    /**
     * A policy with {@code verify_every: 2} measures every 2 steps and stops at the first step whose figures
     * pass. A scripted unlearner stands in for training: the model stays the full one (every forget check
     * fails) until step 5, when it becomes the retain model (which passes). The workflow measures at 2 and 4
     * (fail) and 6 (pass), stops the training there, and the audit entry records what it measured.
     */
    @Test
    void trainingStopsAtTheFirstVerifiedStepAndTheAuditSaysWhere(@TempDir Path out, @TempDir Path conf) throws Exception {
        PolicySet policies = everySecondStep(conf);
        List<Long> stoppedAt = new ArrayList<>();
        Unlearner scripted = (lm, dir, f, r, qt, m, c, t, s, w, monitor) -> {
            for (long step = 1; step <= 16; step++) {
                if (step == 5) {
                    exact(new AtomicInteger()).unlearn(lm, dir, f, r, qt, m, c, t, s, w, monitor);
                }
                if (monitor.stopAfter(new TrainingLoop.StepRecord(step, 16, 0, 0, 0, 0, 0, false, Map.of()))) {
                    stoppedAt.add(step);
                    break;
                }
            }
            return Map.of("method", "scripted", "steps", stoppedAt.isEmpty() ? 16 : stoppedAt.get(0));
        };
        StringWriter log = new StringWriter();
        RequestWorkflow wf = new RequestWorkflow(out, KEY, policies, scripted, new PrintWriter(log, true));
        RequestWorkflow.Outcome o = wf.submit(checked("DR-5"), null, opts());
        assertTrue(o.accepted(), log.toString());
        assertEquals(List.of(6L), stoppedAt, log.toString());
        JsonNode v = o.auditEntry().path("unlearning").path("verified_stop");
        assertEquals(2, v.path("every").asInt(), v.toString());
        assertEquals(6, v.path("stopped_at").asInt(), v.toString());
        assertEquals(3, v.path("measured").size(), v.toString());
        assertEquals(List.of(2, 4, 6), List.of(v.path("measured").get(0).path("step").asInt(),
                v.path("measured").get(1).path("step").asInt(), v.path("measured").get(2).path("step").asInt()));
        assertTrue(v.path("measured").get(0).path("failed").toString().contains("forget_probability"), v.toString());
        assertEquals(0, v.path("measured").get(2).path("failed").size(), v.toString());
        assertTrue(log.toString().contains("verify at step 6 of 16: every check passes, training stops"), log.toString());
        assertTrue(wf.auditLog().verify().ok());

        // a run that never passes trains every step, is measured at each interval, and is judged on the last
        Unlearner never = (lm, dir, f, r, qt, m, c, t, s, w, monitor) -> {
            for (long step = 1; step <= 16; step++) {
                assertFalse(monitor.stopAfter(new TrainingLoop.StepRecord(step, 16, 0, 0, 0, 0, 0, false, Map.of())));
            }
            return Map.of("method", "scripted", "steps", 16);
        };
        RequestWorkflow.Outcome no = new RequestWorkflow(out, KEY, policies, never, new PrintWriter(new StringWriter()))
                .submit(checked("DR-6"), null, opts());
        assertFalse(no.accepted());
        JsonNode nv = no.auditEntry().path("unlearning").path("verified_stop");
        assertTrue(nv.path("stopped_at").isNull(), nv.toString());
        assertEquals(8, nv.path("measured").size(), nv.toString());
        assertEquals(16, nv.path("measured").get(7).path("step").asInt(), nv.toString());
    }

    @Test
    void unknownSubjectIsAnErrorAndLeavesNoEntry(@TempDir Path out) {
        RequestWorkflow wf = new RequestWorkflow(out, KEY, PolicySet.builtIn(), exact(new AtomicInteger()), new PrintWriter(new StringWriter()));
        InvalidInputException ex = assertThrows(InvalidInputException.class,
                () -> wf.submit(request("DR-4", "Nobody Atall"), null, opts()));
        assertTrue(ex.getMessage().contains("match no record"), ex.getMessage());
        assertEquals(0, wf.auditLog().entries().size());
    }
}

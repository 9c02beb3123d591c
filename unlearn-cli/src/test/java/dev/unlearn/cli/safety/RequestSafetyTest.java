package dev.unlearn.cli.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.cli.pipeline.StageRunner;
import dev.unlearn.cli.requests.AuditLog;
import dev.unlearn.cli.requests.DeletionRequest;
import dev.unlearn.cli.requests.DeploymentKey;
import dev.unlearn.cli.requests.PolicySet;
import dev.unlearn.cli.requests.RequestWorkflow;
import dev.unlearn.cli.requests.Unlearner;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.train.TrainSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, requests: policies (a request only names one and cannot weaken its floors), keyed
 * pseudonyms, safe ids and escaped control characters, option values, parallel submits on one
 * output folder, and the removal of a crashed attempt's temporary files. Every refusal exits 2
 * before any work and leaves the inputs as they were.
 */
class RequestSafetyTest {
    static final DeploymentKey KEY = DeploymentKey.of("request-safety-test-key-01234567".getBytes(StandardCharsets.UTF_8));
    private static TinyWorld.Paths3 w;
    private static String subject;

    @BeforeAll
    static void world() {
        w = TinyWorld.get();
        subject = QaReader.read(w.data().resolve("forget10.json")).get(0).entity();
    }

    private static Path keyFile(Path tmp) throws Exception {
        Path k = tmp.resolve("unlearn.key");
        Files.writeString(k, "cd".repeat(32));
        return k;
    }

    private static CliRun submit(Path tmp, String requestJson, String... extra) throws Exception {
        Path req = tmp.resolve("request.json");
        Files.writeString(req, requestJson);
        List<String> a = new ArrayList<>(List.of("request", "submit", req.toString(), "--training-data", w.data().toString(),
                "--model", w.full().toString(), "--out", tmp.resolve("out").toString(), "--key", keyFile(tmp).toString()));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(String[]::new));
    }

    private static String req(String id, String more) {
        return "{\"request_id\": \"" + id + "\", \"subject\": \"" + subject + "\", \"selectors\": {\"entities\": [\""
                + subject + "\"]}" + more + "}";
    }

    private static Map<String, String> inputs() throws Exception {
        Map<String, String> m = new java.util.TreeMap<>();
        Trees.digest(w.full()).forEach((k, v) -> m.put("model/" + k, v));
        Trees.digest(w.data()).forEach((k, v) -> m.put("data/" + k, v));
        return m;
    }

    @Test
    void aRequestCannotWeakenItsPolicyNorChooseItsOwnMethod(@TempDir Path tmp) throws Exception {
        Map<String, String> before = inputs();
        CliRun vacuous = submit(tmp, req("DR-V1", ", \"policy\": \"standard\", \"thresholds\": {\"max_forget_probability\":"
                + " 1.0, \"mia_auc_band\": 0.5, \"max_forget_rouge\": 1.0}"));
        assertEquals(ExitCodes.BAD_INPUT, vacuous.code(), vacuous.toString());
        assertTrue(vacuous.err().contains("may only tighten") && vacuous.err().contains("thresholds.max_forget_probability 1.0"
                + " is looser than the policy's 0.25"), vacuous.toString());
        CliRun own = submit(tmp, req("DR-V2", ", \"method\": \"ga\", \"train\": {\"lr\": 1e-9}"));
        assertEquals(ExitCodes.BAD_INPUT, own.code(), own.toString());
        assertTrue(own.err().contains("method: a request may only name a policy")
                && own.err().contains("train: a request may only name a policy"), own.toString());
        CliRun unknown = submit(tmp, req("DR-V3", ", \"policy\": \"lenient\""));
        assertEquals(ExitCodes.BAD_INPUT, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("policy: unknown 'lenient'"), unknown.toString());
        assertFalse(Files.exists(tmp.resolve("out")), "refused before any work");
        assertEquals(before, inputs());
    }

    private static final String T = "{max_forget_probability: 0.3, max_forget_rouge: 0.7, mia_auc_band: 0.25,"
            + " max_extraction_rate: 0.2, max_utility_drop: 0.3}";

    @Test
    void policyFilesAreValidatedAndTheirFloorsHold(@TempDir Path tmp) throws Exception {
        Path good = tmp.resolve("policies.yaml");
        Files.writeString(good, """
                policies:
                  gentle:
                    method: npo
                    config: {beta: 0.1, alpha: 5.0}
                    train: {max_steps: 16, lr: 0.001, batch_size: 4, schedule: constant}
                    thresholds: {max_forget_probability: 0.3, max_forget_rouge: 0.7, mia_auc_band: 0.25,
                                 max_extraction_rate: 0.2, max_utility_drop: 0.3}
                """);
        PolicySet ps = PolicySet.load(good);
        assertEquals(List.of("standard", "strict", "gentle"), List.copyOf(ps.names()));
        assertEquals(0.3, ps.named("gentle").thresholds().maxForgetProbability());
        InvalidInputException weaker = assertThrows(InvalidInputException.class, () -> PolicySet.effective(ps.named("gentle"),
                new DeletionRequest.Thresholds(0.5, null, null, null, null)));
        assertTrue(weaker.getMessage().contains("policy 'gentle'"), weaker.getMessage());
        assertEquals(0.1, PolicySet.effective(ps.named("gentle"), new DeletionRequest.Thresholds(0.1, null, null, null, null))
                .maxForgetProbability(), "tightening is allowed");
        // the train section is read as a recipe's method run reads it: a method that does not train needs none
        // (a rate there would be ignored, and is refused above), and reference_cache_mb is a key as in a recipe
        Path more = tmp.resolve("more.yaml");
        Files.writeString(more, "policies:\n  edit: {method: ssd, thresholds: " + T + "}\n"
                + "  copy: {method: npo, train: {lr: 0.001, reference_cache_mb: 0}, thresholds: " + T + "}\n");
        PolicySet ms = PolicySet.load(more);
        assertEquals(TrainSettings.DEFAULTS, ms.named("edit").train());
        assertEquals(0, ms.named("copy").training().referenceCacheMb());
        assertEquals(0L, ms.named("copy").training().referenceCacheBytes());

        for (String[] bad : new String[][] {
            {"policies:\n  standard: {method: npo, train: {lr: 0.1}, thresholds: {}}\n", "built-in policy"},
            {"policies:\n  p: {method: npo, method: ga}\n", "Duplicate field 'method'"},
            {"policies:\n  p: {method: npo, train: {lr: \"0.1\"}}\n", "policies.p.train.lr: training setting 'lr' must be a number, found the string '0.1'"},
            {"policies:\n  p: {method: nope, train: {lr: 0.1}}\n", "nope"},
            {"policies:\n  p: {method: npo, train: {lr: 0.1}, thresholds: {max_forget_probability: 0.2}}\n", "give all five"},
            {"policies:\n  p: {method: npo, train: {lr: 0.1, precision: bf16}, thresholds: " + T + "}\n",
                "policies.p.train.precision: method 'npo' trains every weight"},
            {"policies:\n  p: {method: npo, train: {lr: 0.1, precision: fp8}, thresholds: " + T + "}\n", "fp8"},
            {"policies:\n  p: {method: npo, train: {lr: 0.1, lora: {rank: 4}, export: peft}, thresholds: " + T + "}\n",
                "policies.p.train.export: a request publishes a merged checkpoint"},
            {"policies:\n  p: {method: ssd, train: {lr: 0.1, lora: {rank: 4}}, thresholds: " + T + "}\n",
                "nothing for LoRA adapters to train"},
            {"policies:\n  p: {method: ssd, train: {lr: 0.1}, thresholds: " + T + "}\n",
                "policies.p.train: method 'ssd' edits weights directly and does not train; [lr] would be ignored"},
            {"policies:\n  p: {method: npo, thresholds: " + T + "}\n", "policies.p.train.lr: required"},
            {"policies:\n  p: {method: npo, train: {lr: 0.1, lora: {rank: 4, rnak: 2}}, thresholds: " + T + "}\n",
                "unknown key 'policies.p.train.lora.rnak'; valid keys here: [alpha, dropout, rank, targets]"},
        }) {
            Path f = tmp.resolve("bad.yaml");
            Files.writeString(f, bad[0]);
            InvalidInputException ex = assertThrows(InvalidInputException.class, () -> PolicySet.load(f), bad[0]);
            assertTrue(ex.getMessage().contains(bad[1]) && ex.getMessage().contains(f.toString()), ex.getMessage());
        }
    }

    @Test
    void onlyASafeSinglePathSegmentIsAnIdAndControlCharactersAreNeverEchoed(@TempDir Path tmp) throws Exception {
        for (String id : List.of(".", "..", ".hidden", "-rf", "a/b", "a\\\\b", "a..b", "")) {
            CliRun r = submit(tmp, req(id, ""));
            assertEquals(ExitCodes.BAD_INPUT, r.code(), id + ": " + r);
            assertTrue(r.err().contains("request_id"), r.toString());
        }
        CliRun ansi = submit(tmp, req("DR\\u001b[2J\\u0000", ""));
        assertEquals(ExitCodes.BAD_INPUT, ansi.code(), ansi.toString());
        assertFalse(ansi.err().contains("\u001b") || ansi.err().contains("\u0000"), "raw control characters echoed");
        assertTrue(ansi.err().contains("\\u001b[2J\\u0000"), ansi.toString());
        assertTrue(DeletionRequest.isSafeId("DR-2026.0001_a"));
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void badOptionValuesExitTwoBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Map<String, String> before = inputs();
        CliRun sample = submit(tmp, req("DR-O1", ""), "--retain-sample", "-5");
        assertEquals(ExitCodes.BAD_INPUT, sample.code(), sample.toString());
        assertTrue(sample.err().contains("--retain-sample must be positive, found -5"), sample.toString());
        CliRun tokens = submit(tmp, req("DR-O2", ""), "--max-new-tokens", "0");
        assertEquals(ExitCodes.BAD_INPUT, tokens.code(), tokens.toString());
        assertTrue(tokens.err().contains("--max-new-tokens must be positive"), tokens.toString());
        assertFalse(Files.exists(tmp.resolve("out")));
        Files.writeString(tmp.resolve("out"), "a file");
        CliRun file = submit(tmp, req("DR-O3", ""));
        assertEquals(ExitCodes.BAD_INPUT, file.code(), file.toString());
        assertTrue(file.err().contains("is an existing file"), file.toString());
        assertEquals("a file", Files.readString(tmp.resolve("out")));
        Files.delete(tmp.resolve("out"));
        CliRun noKey = CliRun.of("request", "submit", tmp.resolve("request.json").toString(), "--training-data",
                w.data().toString(), "--model", w.full().toString(), "--out", tmp.resolve("out").toString());
        if (System.getenv(DeploymentKey.ENV) == null && System.getenv(DeploymentKey.ENV_FILE) == null) {
            assertEquals(ExitCodes.BAD_INPUT, noKey.code(), noKey.toString());
            assertTrue(noKey.err().contains("no deployment key"), noKey.toString());
        }
        CliRun overlap = CliRun.of("request", "submit", tmp.resolve("request.json").toString(), "--training-data",
                w.data().toString(), "--model", w.full().toString(), "--out", w.data().toString(), "--key",
                keyFile(tmp).toString());
        assertEquals(ExitCodes.BAD_INPUT, overlap.code(), overlap.toString());
        assertTrue(overlap.err().contains("is the input --training-data"), overlap.toString());
        assertEquals(before, inputs());
    }

    @Test
    void parallelSubmitsLeaveOneEntryEachKeyedPseudonymsAndNoStaleTemporaries(@TempDir Path out) throws Exception {
        Map<String, String> before = inputs();
        Unlearner nothing = (lm, dir, f, r, qt, m, c, t, s, w, mon) -> Map.of("method", "none");
        OutputDirs.claim(out, "--out", OutputDirs.Kind.REQUESTS);
        Path stale = out.resolve("rejected/DR-P0");
        Files.createDirectories(stale.resolve(".model.tmp-123"));
        Files.writeString(stale.resolve(".model.tmp-123/model.safetensors"), "half a model");
        Files.writeString(stale.resolve(".result.json4711.tmp"), "half a result");
        int n = 4;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RequestWorkflow.Outcome>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "DR-P" + i;
            fs.add(pool.submit(() -> {
                go.await();
                return new RequestWorkflow(out, KEY, PolicySet.builtIn(), nothing, new PrintWriter(new StringWriter()))
                        .submit(new DeletionRequest(id, subject, new DeletionRequest.Selectors(null, null, null,
                                List.of(subject)), null, "standard", null, null, null, null), null,
                                new RequestWorkflow.Options(w.data(), w.full(), null, "plain", 8, 0, 20));
            }));
        }
        go.countDown();
        for (Future<RequestWorkflow.Outcome> f : fs) {
            assertFalse(f.get(600, TimeUnit.SECONDS).accepted());
        }
        pool.shutdown();
        AuditLog log = new AuditLog(out.resolve("audit.jsonl"), KEY);
        assertEquals(n, log.entries().size(), "entries lost");
        assertTrue(log.verify().ok() && log.verify().authenticated(), String.valueOf(log.verify()));
        assertFalse(Files.exists(stale.resolve(".model.tmp-123")), "stale model copy kept");
        assertFalse(Files.exists(stale.resolve(".result.json4711.tmp")), "stale result kept");

        String text = Files.readString(out.resolve("audit.jsonl"));
        assertFalse(text.contains(Digests.sha256(subject.getBytes(StandardCharsets.UTF_8))), "plain subject hash");
        assertFalse(text.contains("subject_sha256"));
        ObjectNode e = log.entries().get(0);
        assertEquals(KEY.pseudonym("subject\n" + subject), e.get("subject_hmac").asText());
        for (String id : QaReader.read(w.data().resolve("forget10.json")).stream().map(q -> q.id()).toList()) {
            assertFalse(text.contains(id), "a plain record id in the log");
        }
        assertEquals(before, inputs());
    }

    @Test
    void aSecondRunOnTheSameDirectoryFailsFastNamingTheHolder(@TempDir Path tmp) throws Exception {
        Path recipe = tmp.resolve("recipe.yaml");
        Files.writeString(recipe, """
                name: locked
                data: {builtin: {authors: 2, seed: 1}}
                model: {init: {hidden_size: 16, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 32}}
                finetune: {max_steps: 1, lr: 0.003, batch_size: 8}
                methods:
                  - {method: ga}
                eval: {suites: [tofu]}
                """);
        Path run = tmp.resolve("run");
        try (StageRunner held = new StageRunner(run, new PrintWriter(new StringWriter()))) {
            Future<CliRun> second = Executors.newSingleThreadExecutor().submit(
                    () -> CliRun.of("run", recipe.toString(), "--out", run.toString()));
            CliRun r = second.get(120, TimeUnit.SECONDS);
            assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
            assertTrue(r.err().contains("in use by another unlearn process (held by pid " + ProcessHandle.current().pid()),
                    r.toString());
        }
    }
    private static DeletionRequest requestFor(String id) {
        return new DeletionRequest(id, subject, new DeletionRequest.Selectors(null, null, null, List.of(subject)), null,
                "standard", null, null, null, null);
    }

    /**
     * A killed request leaves {@code OUT/.work/ID} (values derived from the forgotten records) with a lock file
     * nobody holds; the next submit of any request on that folder removes it. A folder whose request still
     * holds its lock, and anything in {@code .work} without a request's lock file, are left alone.
     */
    @Test
    void theNextSubmitRemovesTheScratchOfAKilledRequest(@TempDir Path out) throws Exception {
        Unlearner nothing = (lm, dir, f, r, qt, m, c, t, s, w, mon) -> Map.of("method", "none");
        OutputDirs.claim(out, "--out", OutputDirs.Kind.REQUESTS);
        Path killed = out.resolve(".work/DR-KILLED");
        Files.createDirectories(killed.resolve("reference-cache"));
        Files.writeString(killed.resolve("reference-cache/nll.bin"), "derived from forgotten records");
        Files.createDirectories(out.resolve(".locks"));
        Files.writeString(out.resolve(".locks/DR-KILLED.lock"), "");
        Path running = out.resolve(".work/DR-RUNNING");
        Files.createDirectories(running);
        Path notOurs = out.resolve(".work/no-lock-file");
        Files.createDirectories(notOurs);
        Path halfDeleted = out.resolve(".work/.DR-HOOKED.deleted-123456");
        Files.createDirectories(halfDeleted.resolve("reference-cache"));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        Future<?> holder = other.submit(() -> {
            try (var l = dev.unlearn.cli.commands.FileLocks.tryExclusive(out.resolve(".locks/DR-RUNNING.lock"), "test")) {
                held.countDown();
                done.await();
            }
            return null;
        });
        assertTrue(held.await(30, TimeUnit.SECONDS));
        StringWriter log = new StringWriter();
        new RequestWorkflow(out, KEY, PolicySet.builtIn(), nothing, new PrintWriter(log, true)).submit(requestFor("DR-NEXT"),
                null, new RequestWorkflow.Options(w.data(), w.full(), null, "plain", 8, 0, 20));
        done.countDown();
        holder.get(30, TimeUnit.SECONDS);
        other.shutdown();
        assertFalse(Files.exists(killed), "the killed request's scratch survived the next submit");
        assertTrue(log.toString().contains("removed the scratch folder " + killed + " of interrupted request DR-KILLED"),
                log.toString());
        assertTrue(Files.isDirectory(running), "the scratch of a request in progress was removed");
        assertTrue(Files.isDirectory(notOurs), "a folder with no request lock was removed");
        assertFalse(Files.exists(halfDeleted), "a shutdown hook's half-deleted folder survived");
    }

    /**
     * SIGTERM (or Ctrl-C) while a request unlearns: the JVM's shutdown hook removes the request's scratch
     * folder, reference cache included, although the submitting thread never reaches its finally.
     */
    @Test
    void sigtermWhileUnlearningRemovesTheScratchFolder(@TempDir Path tmp) throws Exception {
        Path policies = tmp.resolve("policies.yaml");
        Files.writeString(policies, """
                policies:
                  long:
                    method: npo
                    config: {beta: 0.1, alpha: 5.0, gamma: 1.0}
                    train: {max_steps: 100000, lr: 0.0001, batch_size: 4}
                    thresholds: {max_forget_probability: 0.3, max_forget_rouge: 0.7, mia_auc_band: 0.25,
                                 max_extraction_rate: 0.2, max_utility_drop: 0.3}
                """);
        Path req = tmp.resolve("request.json");
        Files.writeString(req, "{\"request_id\": \"DR-TERM\", \"subject\": \"" + subject + "\", \"selectors\": {\"entities\": [\""
                + subject + "\"]}, \"policy\": \"long\"}");
        Path out = tmp.resolve("compliance");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                dev.unlearn.cli.Main.class.getName(), "request", "submit", req.toString(), "--training-data",
                w.data().toString(), "--model", w.full().toString(), "--out", out.toString(), "--key",
                keyFile(tmp).toString(), "--policies", policies.toString(), "-q")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("submit.log").toFile()).start();
        Path cache = out.resolve(".work/DR-TERM/reference-cache");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(cache) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(cache) && p.isAlive(), "no reference cache while unlearning: "
                    + Files.readString(tmp.resolve("submit.log")));
            Thread.sleep(500); // into the training steps
        } finally {
            p.destroy(); // SIGTERM
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the submit did not exit on SIGTERM");
        assertFalse(Files.exists(out.resolve(".work/DR-TERM")), "scratch left after SIGTERM: "
                + Files.readString(tmp.resolve("submit.log")));
        try (var left = Files.list(out.resolve(".work"))) {
            assertEquals(List.of(), left.toList(), "the hook's renamed folder was left");
        }
        assertFalse(Files.exists(out.resolve("audit.jsonl")) && Files.size(out.resolve("audit.jsonl")) > 0,
                "an interrupted request was audited");
    }
}

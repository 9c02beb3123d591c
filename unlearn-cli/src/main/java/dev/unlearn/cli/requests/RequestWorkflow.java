package dev.unlearn.cli.requests;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.Version;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.cli.pipeline.StageRunner;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.QaWriter;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies one deletion request: resolve, unlearn, verify, publish, audit.
 *
 * <p>Output folder layout:
 * <pre>
 *   OUT/audit.jsonl                     hash-chained audit log (digests and figures, never text)
 *   OUT/accepted/REQUEST_ID/model/      the unlearned model, when every check passed
 *   OUT/accepted/REQUEST_ID/result.json the figures, checks and digests
 *   OUT/rejected/REQUEST_ID/...         same, when a check failed (not published as accepted)
 *   OUT/current.json                    the latest accepted model (for sequential requests)
 * </pre>
 * Each file is written atomically. The audit entry is appended last; a crash before it leaves the
 * result on disk, and the re-run appends the entry from it instead of unlearning again, so the log
 * ends with exactly one entry per request.
 */
public final class RequestWorkflow {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path out;
    private final Unlearner unlearner;
    private final PrintWriter log;
    /** Test hook: runs after the model and result are written and before the audit entry is appended. */
    Runnable beforeAppend = () -> {};

    /** Options of a submission. */
    public record Options(Path trainingData, Path model, Path holdout, String template, int maxNewTokens, long seed,
            int retainSampleSize) {}

    /** What a submission ended with. */
    public record Outcome(String requestId, boolean accepted, boolean alreadyDone, Path resultDir, ObjectNode auditEntry) {}

    public RequestWorkflow(Path out, Unlearner unlearner, PrintWriter log) {
        this.out = out;
        this.unlearner = unlearner;
        this.log = log;
    }

    public AuditLog auditLog() {
        return new AuditLog(out.resolve("audit.jsonl"));
    }

    /** Submits {@code request}; see the class comment for the steps and the crash behaviour. */
    public Outcome submit(DeletionRequest request, Path requestFile, Options o) {
        Engines.pytorch();
        AuditLog audit = auditLog();
        AuditLog.Verification chain = audit.verify();
        if (!chain.ok()) {
            throw new InvalidInputException("audit log " + audit.file() + " is broken at line " + chain.brokenLine() + ": "
                    + chain.reason() + "; refusing to process requests until it is restored");
        }
        String requestSha = requestDigest(request);
        Optional<ObjectNode> done = audit.find(request.requestId());
        if (done.isPresent()) {
            if (!requestSha.equals(done.get().path("request_sha256").asText())) {
                throw new InvalidInputException("request id " + request.requestId() + " was already used for a different"
                        + " request (audit entry " + done.get().path("entry_sha256").asText().substring(0, 12)
                        + "); give the new request its own id");
            }
            boolean ok = "accepted".equals(done.get().path("status").asText());
            log.printf("request %s was already processed (%s); not unlearning again%n", request.requestId(),
                    done.get().path("status").asText());
            return new Outcome(request.requestId(), ok, true, out.resolve(ok ? "accepted" : "rejected").resolve(request.requestId()),
                    done.get());
        }
        for (String status : List.of("accepted", "rejected")) {
            Path result = out.resolve(status).resolve(request.requestId()).resolve("result.json");
            if (Files.isRegularFile(result)) {
                ObjectNode entry = readResult(result);
                if (requestSha.equals(entry.path("request_sha256").asText())) {
                    log.printf("request %s: result found from an interrupted run; appending its audit entry%n", request.requestId());
                    ObjectNode stored = audit.append(entry);
                    return new Outcome(request.requestId(), "accepted".equals(status), false, result.getParent(), stored);
                }
            }
        }
        return run(request, requestSha, o, audit);
    }

    private Outcome run(DeletionRequest request, String requestSha, Options o, AuditLog audit) {
        Path modelDir = o.model() != null ? o.model() : request.model() != null ? Path.of(request.model()) : null;
        if (modelDir == null) {
            throw new InvalidInputException("no model: pass --model DIR or set \"model\" in the request");
        }
        OutputDirs.refuseOverlap(out, modelDir, "--model");
        RequestPolicy policy = RequestPolicy.named(request.policy());
        String method = request.method() != null ? request.method() : policy.method();
        Map<String, Object> config = new LinkedHashMap<>(request.method() != null ? Map.of() : policy.config());
        if (request.config() != null) {
            config.putAll(request.config());
        }
        Recipe.TrainSpec train = request.train() != null ? request.train() : policy.train();
        DeletionRequest.Thresholds t = (request.thresholds() == null ? policy.thresholds()
                : request.thresholds().orElse(policy.thresholds()));

        long t0 = System.nanoTime();
        List<QaRecord> data = RequestResolver.trainingData(o.trainingData());
        RequestResolver.Resolution res = RequestResolver.resolve(request.selectors(), data);
        List<QaRecord> verifyRetain = RequestResolver.retainSample(res.rest(), o.retainSampleSize(), o.seed());
        Path holdoutFile = o.holdout() != null ? o.holdout() : RequestResolver.holdoutFile(o.trainingData()).orElse(null);
        List<QaRecord> holdout = holdoutFile == null ? null : dev.unlearn.core.data.QaReader.read(holdoutFile);
        log.printf("request %s: %d of %d training records selected (%s); retain pool %d, verification sample %d%n",
                request.requestId(), res.forget().size(), res.trainingRecords(), res.matchesBySelector(), res.rest().size(),
                verifyRetain.size());
        String inputModelSha = Digests.sha256Directory(modelDir, Checkpoint.MANIFEST);

        try (TextTokenizer tok = TextTokenizer.load(modelDir); NDManager m = NDManager.newBaseManager();
                CausalLm lm = Checkpoint.load(modelDir, m)) {
            QaTokenization qt = new QaTokenization(tok, PromptTemplate.resolve(o.template(), modelDir, null), 512);
            RequestVerifier verifier = new RequestVerifier(tok, qt, res.forget(), verifyRetain, holdout, o.maxNewTokens());
            RequestVerifier.Figures before = verifier.measure(lm);
            log.printf("before: %s%n", before.asMap());
            Map<String, Object> summary = unlearner.unlearn(lm, modelDir, res.forget(), res.rest(), qt, method, config, train,
                    o.seed());
            RequestVerifier.Figures after = verifier.measure(lm);
            log.printf("after:  %s%n", after.asMap());
            List<RequestVerifier.Check> checks = RequestVerifier.checks(before, after, t);
            boolean ok = checks.stream().allMatch(RequestVerifier.Check::pass);
            Path dir = out.resolve(ok ? "accepted" : "rejected").resolve(request.requestId());
            Files.createDirectories(dir);
            Checkpoint.save(lm, dir.resolve("model"), modelDir, DataType.FLOAT32);
            ObjectNode entry = entry(request, requestSha, ok, inputModelSha,
                    Digests.sha256Directory(dir.resolve("model"), Checkpoint.MANIFEST), data, res, verifyRetain, method,
                    summary, train, checks, before, after, (System.nanoTime() - t0) / 1e9,
                    out.relativize(dir.resolve("model")).toString());
            QaWriter.writeAtomically(dir.resolve("result.json"), JSON.writeValueAsString(entry));
            if (ok) {
                ObjectNode cur = JSON.createObjectNode();
                cur.put("request_id", request.requestId());
                cur.put("model", out.relativize(dir.resolve("model")).toString());
                QaWriter.writeAtomically(out.resolve("current.json"), JSON.writeValueAsString(cur));
            }
            beforeAppend.run();
            ObjectNode stored = audit.append(entry);
            for (RequestVerifier.Check c : checks) {
                log.printf("  %-22s %-8.4f %s %-6s %s%n", c.name(), c.value(), c.rule().split(" ")[0], fmt(c.threshold()),
                        c.pass() ? "pass" : "FAIL");
            }
            log.printf("request %s %s; model in %s%n", request.requestId(), ok ? "ACCEPTED" : "REJECTED", dir.resolve("model"));
            log.flush();
            return new Outcome(request.requestId(), ok, false, dir, stored);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String fmt(double d) {
        return String.format("%.4f", d);
    }

    private ObjectNode entry(DeletionRequest r, String requestSha, boolean ok, String inSha, String outSha,
            List<QaRecord> data, RequestResolver.Resolution res, List<QaRecord> verifyRetain, String method,
            Map<String, Object> summary, Recipe.TrainSpec train, List<RequestVerifier.Check> checks,
            RequestVerifier.Figures before, RequestVerifier.Figures after, double wall, String modelPath) {
        ObjectNode e = JSON.createObjectNode();
        e.put("request_id", r.requestId());
        e.put("request_sha256", requestSha);
        e.put("subject_sha256", Digests.sha256(r.subject().getBytes(StandardCharsets.UTF_8)));
        e.put("status", ok ? "accepted" : "rejected");
        e.put("timestamp", Instant.now().toString());
        e.put("tool_version", Version.tool());
        e.put("java_version", System.getProperty("java.version"));
        e.put("input_model_sha256", inSha);
        e.put("output_model_sha256", outSha);
        e.put("output_model", modelPath);
        e.put("training_data_sha256", idsDigest(data));
        e.put("training_records", data.size());
        ObjectNode f = e.putObject("forget_set");
        f.put("count", res.forget().size());
        f.put("ids_sha256", idsDigest(res.forget()));
        ArrayNode ids = f.putArray("record_ids");
        res.forget().forEach(q -> ids.add(q.id()));
        ObjectNode sel = e.putObject("selectors");
        DeletionRequest.Selectors s = r.selectors();
        sel.put("record_ids", s.recordIdsOrEmpty().size());
        sel.put("exact_strings", s.exactStringsOrEmpty().size());
        sel.put("regexes", s.regexesOrEmpty().size());
        sel.put("entities", s.entitiesOrEmpty().size());
        sel.set("matched_records", JSON.valueToTree(res.matchesBySelector()));
        ObjectNode rs = e.putObject("retain");
        rs.put("training_count", res.rest().size());
        rs.put("verification_count", verifyRetain.size());
        rs.put("verification_ids_sha256", idsDigest(verifyRetain));
        e.put("method", method);
        e.set("unlearning", JSON.valueToTree(summary));
        e.set("train", JSON.valueToTree(train));
        ArrayNode v = e.putArray("verification");
        for (RequestVerifier.Check c : checks) {
            v.add(JSON.valueToTree(c));
        }
        e.set("figures_before", JSON.valueToTree(before.asMap()));
        e.set("figures_after", JSON.valueToTree(after.asMap()));
        e.put("wall_seconds", wall);
        return e;
    }

    private static String idsDigest(List<QaRecord> rows) {
        List<String> ids = new ArrayList<>();
        rows.forEach(q -> ids.add(q.id()));
        ids.sort(null);
        return Digests.sha256(String.join("\n", ids).getBytes(StandardCharsets.UTF_8));
    }

    /** Digest of the request's canonical JSON (so a reformatted file is the same request). */
    static String requestDigest(DeletionRequest r) {
        return StageRunner.digest(JSON.valueToTree(r));
    }

    private static ObjectNode readResult(Path p) {
        try {
            return (ObjectNode) JSON.readTree(p.toFile());
        } catch (IOException | ClassCastException ex) {
            throw new InvalidInputException("cannot read " + p + ": " + ex.getMessage());
        }
    }
}

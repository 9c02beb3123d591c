package dev.unlearn.cli.requests;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.Version;
import dev.unlearn.cli.commands.FileLocks;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.cli.pipeline.StageRunner;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.VerificationFailedException;
import dev.unlearn.core.io.ParseErrors;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.QaWriter;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.Precision;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 *   OUT/.unlearn-output                 the mark: OUT was created by unlearn
 *   OUT/audit.jsonl                     hash-chained, keyed audit log (keyed digests and figures, never text)
 *   OUT/audit.jsonl.lock                held around every append and current.json update
 *   OUT/.locks/REQUEST_ID.lock          held while a request is processed (a second submit fails fast)
 *   OUT/.work/REQUEST_ID/               scratch while it is processed (the reference cache), then removed;
 *                                       on SIGTERM/Ctrl-C by a shutdown hook, after a kill by the next submit
 *   OUT/accepted/REQUEST_ID/model/      the unlearned model, when every check passed
 *   OUT/accepted/REQUEST_ID/result.json the figures, checks and digests
 *   OUT/rejected/REQUEST_ID/...         same, when a check failed (not published as accepted)
 *   OUT/current.json                    the latest accepted model (for sequential requests)
 * </pre>
 * Each file is written atomically. The audit entry is appended last; a crash before it leaves the
 * result on disk, and the re-run appends the entry from it instead of unlearning again, so the log
 * ends with exactly one entry per request. Before any work, an {@code OUT} that overlaps the model,
 * the training data or the held-out file is refused, as is one the toolkit did not create; the
 * policy and thresholds are resolved (a request can only tighten its policy). The subject, the
 * request and the record ids reach the log only as HMACs under the deployment key ({@link
 * DeploymentKey#pseudonym}), so a dictionary of candidate names cannot be checked against it.
 */
public final class RequestWorkflow {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path out;
    private final DeploymentKey key;
    private final PolicySet policies;
    private final Unlearner unlearner;
    private final PrintWriter log;
    /** Test hook: runs after the model and result are written and before the audit entry is appended. */
    Runnable beforeAppend = () -> {};

    /** Options of a submission. */
    public record Options(Path trainingData, Path model, Path holdout, String template, int maxNewTokens, long seed,
            int retainSampleSize, String device) {
        /** On the CPU. */
        public Options(Path trainingData, Path model, Path holdout, String template, int maxNewTokens, long seed,
                int retainSampleSize) {
            this(trainingData, model, holdout, template, maxNewTokens, seed, retainSampleSize, "cpu");
        }
    }

    /** What a submission ended with. */
    public record Outcome(String requestId, boolean accepted, boolean alreadyDone, Path resultDir, ObjectNode auditEntry) {}

    public RequestWorkflow(Path out, DeploymentKey key, PolicySet policies, Unlearner unlearner, PrintWriter log) {
        this.out = out;
        this.key = java.util.Objects.requireNonNull(key, "key");
        this.policies = policies;
        this.unlearner = unlearner;
        this.log = log;
    }

    public AuditLog auditLog() {
        return new AuditLog(out.resolve("audit.jsonl"), key);
    }

    /** Submits {@code request}; see the class comment for the steps and the crash behaviour. */
    public Outcome submit(DeletionRequest request, Path requestFile, Options o) {
        Path modelDir = o.model() != null ? o.model() : request.model() != null ? Path.of(request.model()) : null;
        if (modelDir == null) {
            throw new InvalidInputException("no model: pass --model DIR or set \"model\" in the request");
        }
        Engines.device(o.device()); // --device gpu without a CUDA libtorch fails before anything is written
        if (!DeletionRequest.isSafeId(request.requestId())) {
            throw new InvalidInputException("request_id: not a safe single path segment: '"
                    + dev.unlearn.cli.Texts.printable(String.valueOf(request.requestId())) + "'");
        }
        Map<String, Path> inputs = new LinkedHashMap<>();
        if (!isEarlierAcceptedModel(modelDir, request.requestId())) {
            inputs.put("--model", modelDir);
        }
        inputs.put("--training-data", o.trainingData());
        inputs.put("--holdout", o.holdout());
        inputs.put("request", requestFile);
        OutputDirs.refuseOverlap(out, inputs);
        if (o.maxNewTokens() <= 0) {
            throw new InvalidInputException("--max-new-tokens must be positive, found " + o.maxNewTokens());
        }
        if (o.retainSampleSize() <= 0) {
            throw new InvalidInputException("--retain-sample must be positive, found " + o.retainSampleSize());
        }
        RequestPolicy policy = policies.named(request.policy());
        DeletionRequest.Thresholds thresholds = PolicySet.effective(policy, request.thresholds());
        dev.unlearn.cli.commands.ModelDirs.check(modelDir);
        for (String f : List.of(Checkpoint.CONFIG, "tokenizer.json")) { // before the output folder is made
            if (!Files.isRegularFile(modelDir.resolve(f))) {
                throw new InvalidInputException("--model " + modelDir + " has no " + f + "; a request needs a Hugging Face"
                        + " checkpoint with its tokenizer");
            }
        }
        OutputDirs.claim(out, "--out", OutputDirs.Kind.REQUESTS);
        try (var busy = FileLocks.tryExclusive(out.resolve(".locks").resolve(request.requestId() + ".lock"),
                "request " + request.requestId() + " in " + out)) {
            removeInterruptedScratch();
            return submitLocked(request, modelDir, policy, thresholds, o);
        }
    }

    /** The name a shutdown hook gives a scratch folder before deleting it ({@link #tombstone}): {@code .ID.deleted-N}. */
    private static final java.util.regex.Pattern TOMBSTONE = java.util.regex.Pattern.compile("\\..+\\.deleted-\\d+");

    /** Renames {@code scratch} to {@code .work/.ID.deleted-N} (atomically) and returns the new path; {@code scratch} when that fails. */
    private static Path tombstone(Path scratch) {
        Path t = scratch.resolveSibling("." + scratch.getFileName() + ".deleted-" + System.nanoTime());
        try {
            return Files.move(scratch, t, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException ex) {
            return scratch;
        }
    }

    /**
     * Deletes the scratch folders {@code OUT/.work/ID} that killed requests left behind: those whose
     * {@code OUT/.locks/ID.lock} exists and no process holds. They hold values derived from the records
     * those requests forget (the reference cache), so they should not wait for the same id to run again.
     * A request in progress holds its lock and keeps its folder. Folders a shutdown hook renamed to
     * {@code .ID.deleted-N} and did not finish deleting go too; anything else in {@code .work} is left alone.
     */
    private void removeInterruptedScratch() {
        Path work = out.resolve(".work");
        if (!Files.isDirectory(work, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> dirs;
        try (var s = Files.list(work)) {
            dirs = s.toList();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot list " + work, ex);
        }
        for (Path d : dirs) {
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String id = d.getFileName().toString();
            if (TOMBSTONE.matcher(id).matches()) {
                OutputDirs.deleteTree(d); // a shutdown hook's rename, cut short before the folder was gone
                continue;
            }
            Path lock = out.resolve(".locks").resolve(id + ".lock");
            if (!DeletionRequest.isSafeId(id) || !Files.isRegularFile(lock)) {
                continue;
            }
            try (var held = FileLocks.tryExclusive(lock, "request " + id + " in " + out)) {
                OutputDirs.deleteTree(d);
                log.printf("removed the scratch folder %s of interrupted request %s%n", d, id);
            } catch (InvalidInputException inProgress) {
                // its own run removes it (this request's own folder is removed before it unlearns)
            }
        }
    }

    private Outcome submitLocked(DeletionRequest request, Path modelDir, RequestPolicy policy,
            DeletionRequest.Thresholds thresholds, Options o) {
        Engines.pytorch();
        AuditLog audit = auditLog();
        AuditLog.Verification chain = audit.verify();
        if (!chain.ok()) {
            throw new VerificationFailedException("audit log " + audit.file() + " is broken at line " + chain.brokenLine()
                    + ": " + chain.reason() + "; refusing to process requests until it is restored");
        }
        String requestSha = requestDigest(request);
        Optional<ObjectNode> done = audit.find(request.requestId());
        if (done.isPresent()) {
            if (!requestSha.equals(done.get().path("request_hmac").asText())) {
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
                if (requestSha.equals(entry.path("request_hmac").asText())) {
                    log.printf("request %s: result found from an interrupted run; appending its audit entry%n", request.requestId());
                    ObjectNode stored = audit.append(entry, () -> {
                        if ("accepted".equals(status)) {
                            writeCurrent(request.requestId(), result.getParent().resolve("model"));
                        }
                    });
                    removeTemps(result.getParent());
                    return new Outcome(request.requestId(), "accepted".equals(status), false, result.getParent(), stored);
                }
            }
        }
        return run(request, requestSha, modelDir, policy, thresholds, o, audit);
    }

    /**
     * Whether {@code model} is the published model of another, earlier request in this output folder
     * ({@code OUT/accepted/OTHER_ID/model}, sequential unlearning): this request writes only under its
     * own id, so using it as the input is safe.
     */
    private boolean isEarlierAcceptedModel(Path model, String requestId) {
        Path m = OutputDirs.real(model);
        Path acc = OutputDirs.real(out).resolve("accepted");
        return m.getParent() != null && m.getParent().getParent() != null && m.getParent().getParent().equals(acc)
                && m.getFileName().toString().equals("model") && !m.getParent().getFileName().toString().equals(requestId);
    }

    private void writeCurrent(String requestId, Path model) {
        try {
            ObjectNode cur = JSON.createObjectNode();
            cur.put("request_id", requestId);
            cur.put("model", out.relativize(model).toString());
            QaWriter.writeAtomically(out.resolve("current.json"), JSON.writeValueAsString(cur));
            OutputDirs.removeStaleTemps(out.resolve("current.json"));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Removes what a crashed earlier attempt of this request left: {@code .model.tmp-*}, {@code .result.json*.tmp}. */
    private static void removeTemps(Path requestDir) {
        OutputDirs.removeStaleTemps(requestDir.resolve("model"));
        OutputDirs.removeStaleTemps(requestDir.resolve("result.json"));
    }

    private Outcome run(DeletionRequest request, String requestSha, Path modelDir, RequestPolicy policy,
            DeletionRequest.Thresholds t, Options o, AuditLog audit) {
        String method = policy.method();
        Map<String, Object> config = new LinkedHashMap<>(policy.config());
        TrainSettings train = policy.train(); // training keys a method would ignore were refused with the policy file

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

        try (TextTokenizer tok = TextTokenizer.load(modelDir); NDManager m = NDManager.newBaseManager(Engines.device(o.device()));
                CausalLm lm = dev.unlearn.cli.commands.ModelDirs.load(modelDir, m, false, policy.precision())) {
            QaTokenization qt = new QaTokenization(tok, PromptTemplate.resolve(o.template(), modelDir, null),
                    train.maxLength(), train.attentionMask());
            RequestVerifier verifier = new RequestVerifier(tok, qt, res.forget(), verifyRetain, holdout, o.maxNewTokens());
            RequestVerifier.Figures before = verifier.measure(lm);
            log.printf("before: %s%n", before.asMap());
            if (policy.adapters()) { // the base freezes; only the adapters train, and they are merged before saving
                policy.adapterOptions().attach(lm, o.seed());
            }
            Path scratch = out.resolve(".work").resolve(request.requestId());
            OutputDirs.deleteTree(scratch); // a crashed run's leftovers: this request's own, under its lock
            VerifiedStop monitor = policy.verifiesDuringTraining()
                    ? new VerifiedStop(policy.verifyEvery(), lm, verifier, before, t, log) : null;
            Map<String, Object> summary;
            // a SIGTERM or Ctrl-C during unlearning runs shutdown hooks, not this thread's finally. The hook first
            // renames the folder, atomically, so that a cache fill still running cannot write into it again
            Thread wipe = new Thread(() -> OutputDirs.deleteTree(tombstone(scratch)), "unlearn-request-scratch");
            Runtime.getRuntime().addShutdownHook(wipe);
            try {
                summary = new LinkedHashMap<>(unlearner.unlearn(lm, modelDir, res.forget(), res.rest(), qt, method, config,
                        policy.training(), o.seed(), scratch, monitor != null ? monitor : new dev.unlearn.core.train.TrainingLoop.Listener() {}));
            } finally {
                OutputDirs.deleteTree(scratch);
                try {
                    Runtime.getRuntime().removeShutdownHook(wipe);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
            }
            if (monitor != null) {
                summary.put("verified_stop", monitor.summary());
            }
            RequestVerifier.Figures after = verifier.measure(lm);
            log.printf("after:  %s%n", after.asMap());
            List<RequestVerifier.Check> checks = RequestVerifier.checks(before, after, t);
            boolean ok = checks.stream().allMatch(RequestVerifier.Check::pass);
            Path dir = out.resolve(ok ? "accepted" : "rejected").resolve(request.requestId());
            Files.createDirectories(dir);
            OutputDirs.requireOurs(dir.resolve("model"), "the request's model folder");
            lm.mergeAdapters();
            Checkpoint.save(lm, dir.resolve("model"), modelDir,
                    policy.precision() == Precision.BF16 ? DataType.BFLOAT16 : DataType.FLOAT32);
            ObjectNode entry = entry(request, policy, requestSha, ok, inputModelSha,
                    Digests.sha256Directory(dir.resolve("model"), Checkpoint.MANIFEST), data, res, verifyRetain, method,
                    summary, train, checks, before, after, (System.nanoTime() - t0) / 1e9,
                    out.relativize(dir.resolve("model")).toString());
            QaWriter.writeAtomically(dir.resolve("result.json"), JSON.writeValueAsString(entry));
            beforeAppend.run();
            ObjectNode stored = audit.append(entry, () -> {
                if (ok) {
                    writeCurrent(request.requestId(), dir.resolve("model"));
                }
            });
            removeTemps(dir);
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

    private ObjectNode entry(DeletionRequest r, RequestPolicy policy, String requestSha, boolean ok, String inSha, String outSha,
            List<QaRecord> data, RequestResolver.Resolution res, List<QaRecord> verifyRetain, String method,
            Map<String, Object> summary, TrainSettings train, List<RequestVerifier.Check> checks,
            RequestVerifier.Figures before, RequestVerifier.Figures after, double wall, String modelPath) {
        ObjectNode e = JSON.createObjectNode();
        e.put("request_id", r.requestId());
        e.put("request_hmac", requestSha);
        e.put("subject_hmac", key.pseudonym("subject\n" + r.subject()));
        e.put("policy", policy.name());
        e.put("status", ok ? "accepted" : "rejected");
        e.put("timestamp", Instant.now().toString());
        e.put("tool_version", Version.tool());
        e.put("java_version", System.getProperty("java.version"));
        e.put("input_model_sha256", inSha);
        e.put("output_model_sha256", outSha);
        e.put("output_model", modelPath);
        e.put("training_data_hmac", idsDigest(data));
        e.put("training_records", data.size());
        ObjectNode f = e.putObject("forget_set");
        f.put("count", res.forget().size());
        f.put("ids_hmac", idsDigest(res.forget()));
        ArrayNode ids = f.putArray("record_hmacs");
        res.forget().forEach(q -> ids.add(key.pseudonym("record\n" + q.id())));
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
        rs.put("verification_ids_hmac", idsDigest(verifyRetain));
        e.put("method", method);
        e.set("unlearning", JSON.valueToTree(summary));
        e.set("train", JSON.valueToTree(train));
        if (policy.adapters()) {
            e.set("lora", JSON.valueToTree(policy.lora()));
        }
        if (policy.precision() != Precision.FP32) {
            e.put("precision", policy.precision().key());
        }
        if (policy.training().referenceCacheMb() != null) {
            e.put("reference_cache_mb", policy.training().referenceCacheMb());
        }
        ArrayNode v = e.putArray("verification");
        for (RequestVerifier.Check c : checks) {
            v.add(JSON.valueToTree(c));
        }
        e.set("figures_before", JSON.valueToTree(before.asMap()));
        e.set("figures_after", JSON.valueToTree(after.asMap()));
        e.put("wall_seconds", wall);
        return e;
    }

    /** Keyed digest of a set of record ids (sorted), so candidate records cannot be tested against it. */
    private String idsDigest(List<QaRecord> rows) {
        List<String> ids = new ArrayList<>();
        rows.forEach(q -> ids.add(q.id()));
        ids.sort(null);
        return key.pseudonym("ids\n" + String.join("\n", ids));
    }

    /** Keyed digest of the request's canonical JSON (so a reformatted file is the same request). */
    String requestDigest(DeletionRequest r) {
        return key.pseudonym("request\n" + StageRunner.digest(JSON.valueToTree(r)));
    }

    private static ObjectNode readResult(Path p) {
        try {
            return (ObjectNode) JSON.readTree(p.toFile());
        } catch (ClassCastException ex) {
            throw new InvalidInputException("cannot read " + p + ": not a JSON object", ex);
        } catch (IOException ex) {
            throw new InvalidInputException("cannot read " + p + ": " + ParseErrors.describe(ex), ex);
        }
    }
}

package dev.unlearn.cli.commands;

import dev.unlearn.cli.CommandGroup;
import dev.unlearn.cli.TemplateOption;
import dev.unlearn.cli.BaseCommand;
import dev.unlearn.cli.DeviceCommand;
import dev.unlearn.cli.SeedOption;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.cli.requests.AuditLog;
import dev.unlearn.cli.requests.DeletionRequest;
import dev.unlearn.cli.requests.DeploymentKey;
import dev.unlearn.cli.requests.PolicySet;
import dev.unlearn.cli.requests.RequestPolicy;
import dev.unlearn.cli.requests.RequestResolver;
import dev.unlearn.cli.requests.MethodRunnerUnlearner;
import dev.unlearn.cli.requests.RequestWorkflow;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.VerificationFailedException;
import dev.unlearn.core.data.QaRecord;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code unlearn request}: deletion requests, from submission to a verified, audited model. */
@Command(name = "request", mixinStandardHelpOptions = true,
        header = "Deletion requests: resolve, unlearn, verify, publish and audit.",
        description = {"See docs/compliance.md for the request format and a worked example."},
        subcommands = {RequestCommand.Resolve.class, RequestCommand.Submit.class, RequestCommand.Batch.class, RequestCommand.VerifyLog.class,
            RequestCommand.LogHead.class, RequestCommand.Keygen.class})
public class RequestCommand extends CommandGroup {

    /** The training data and the deployment's policies: what resolving a request needs (submit, batch, resolve). */
    static class RequestInputs {
        @Option(names = "--training-data", required = true, paramLabel = "PATH",
                description = "The model's training data: a QA file or a folder of them (TOFU JSON/JSONL).")
        Path trainingData;

        @Option(names = "--policies", paramLabel = "FILE.yaml",
                description = "The deployment's policy file (added to the built-in standard and strict); requests may"
                        + " only name a policy and tighten its thresholds.")
        Path policies;

        private PolicySet policySet;

        /** The request, whose policy must be one of this deployment's. */
        DeletionRequest read(Path request) {
            return DeletionRequest.read(request, policySet().names());
        }

        PolicySet policySet() {
            if (policySet == null) {
                policySet = PolicySet.load(policies);
            }
            return policySet;
        }
    }

    /** Options shared by submit and batch. */
    static class SubmitOptions {
        @Mixin
        RequestInputs in;

        @Option(names = "--model", paramLabel = "DIR", description = "The model to act on (default: the request's \"model\").")
        Path model;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Output folder: audit.jsonl, accepted/ID/, rejected/ID/, current.json.")
        Path out;

        @Option(names = "--holdout", paramLabel = "FILE",
                description = "Held-out QA records (never trained) for the membership-inference check."
                        + " Default: the forget questions with their first perturbed answer.")
        Path holdout;

        @Mixin
        TemplateOption template;

        @Option(names = "--max-new-tokens", defaultValue = "48", paramLabel = "N", description = "Greedy generation budget. Default: ${DEFAULT-VALUE}.")
        int maxNewTokens;

        @Option(names = "--retain-sample", defaultValue = "100", paramLabel = "N",
                description = "Retain records drawn for the utility check. Default: ${DEFAULT-VALUE}.")
        int retainSample;

        @Mixin
        SeedOption seed;

        /** Required here. */
        @Mixin
        KeyOption key;

        /** The workflow on {@code --out} with the deployment key and the policies; fails before any work when either is bad. */
        RequestWorkflow workflow(CommandSpec spec) {
            DeploymentKey k = key.require();
            return new RequestWorkflow(out, k, in.policySet(), new MethodRunnerUnlearner(dev.unlearn.cli.Ui.of(spec)),
                    spec.commandLine().getOut());
        }

        /** The request, whose policy must be one of this deployment's. */
        DeletionRequest read(Path request) {
            return in.read(request);
        }

        RequestWorkflow.Options options(Path model, String device) {
            return new RequestWorkflow.Options(in.trainingData, model, holdout, template.name, maxNewTokens, seed.value, retainSample,
                    device);
        }
    }

    /** {@code --key}: the deployment key of every subcommand that reads or writes the audit log (a picocli mixin). */
    static class KeyOption {
        @Option(names = "--key", paramLabel = "FILE",
                description = "The deployment key (>= 32 bytes, raw or hex) that authenticates the audit log and keys the"
                        + " pseudonyms in it. Default: the file in $UNLEARN_KEY_FILE, else hex in $UNLEARN_KEY.")
        Path file;

        /** The key; none given (here or in the environment) is bad input. */
        DeploymentKey require() {
            return DeploymentKey.require(file);
        }

        /** The key if one is given here or in the environment. */
        java.util.Optional<DeploymentKey> find() {
            return DeploymentKey.find(file);
        }
    }

    /** The audit log argument and its key, of {@code verify-log} and {@code log-head} (a picocli mixin). */
    static class AuditLogFile {
        @Parameters(paramLabel = "FILE", description = "The audit log (audit.jsonl).")
        Path file;

        @Mixin
        KeyOption key;

        /** The log, checked with {@code key} (null: chain only); a missing file is bad input. */
        AuditLog open(DeploymentKey k) {
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException("audit log " + file + " does not exist");
            }
            return new AuditLog(file, k);
        }
    }

    /** {@code unlearn request submit}. */
    @Command(name = "submit", mixinStandardHelpOptions = true, header = "Apply one deletion request.",
            description = {
                "Resolves the request's selectors against the training data (matching nothing or everything is an error),",
                "unlearns with the policy the request names (built-in standard/strict or --policies; a request may only",
                "tighten its thresholds), verifies forget probability, ROUGE, membership-inference AUC, extraction and retain utility,",
                "writes the model to OUT/accepted/ID (or OUT/rejected/ID) and appends a hash-chained entry authenticated",
                "with the deployment key (--key, required); the subject and records appear only as keyed HMACs.",
                "A policy with verify_every N (both built-ins: N = 1) measures those checks every N training steps and",
                "stops at the first step where all pass, so it neither stops short nor over-forgets. Resubmitting an id",
                "reports the earlier result; parallel submits on one OUT each get their entry (OS file lock).",
                "OUT must not overlap the model or data, and must be new, empty or made by unlearn.",
                "Exit 1 when verification fails or the audit log is broken, 2 for bad input (before any work).",
                "",
                "Example:",
                "  unlearn request keygen ~/.unlearn/key",
                "  unlearn request submit request.json --training-data world --model models/full --out compliance \\",
                "      --key ~/.unlearn/key"
            })
    static class Submit extends DeviceCommand {
        @Mixin SubmitOptions o;

        @Parameters(paramLabel = "REQUEST.json", description = "The deletion request.")
        Path request;

        @Override
        public Integer call() {
            RequestWorkflow wf = o.workflow(spec);
            return verdict(wf.submit(o.read(request), request, o.options(o.model, common.device)));
        }
    }

    /** {@code unlearn request resolve}: what a request would forget, before any unlearning. */
    @Command(name = "resolve", mixinStandardHelpOptions = true, header = "Show which training records a request selects, without unlearning.",
            description = {
                "Reads and checks the request as submit does (its policy must exist; its thresholds may only tighten the",
                "policy's), matches its selectors against the training data and prints how many records each selector",
                "matched, the policy's method and steps, the thresholds that will apply and the selected records (id,",
                "entity, the selectors that matched, question), so that the scope of a deletion can be reviewed (an",
                "over-broad pattern shows up here) before it runs. Needs no model and no key, and writes nothing; the",
                "output holds training text, so keep it where that text may be read.",
                "Exit 2 when the request is malformed or matches no record.",
                "",
                "Example:",
                "  unlearn request resolve request.json --training-data world",
                "  unlearn request resolve request.json --training-data world --json --show 0 | jq .selected"
            })
    static class Resolve extends BaseCommand {
        @Mixin RequestInputs in;

        @Parameters(paramLabel = "REQUEST.json", description = "The deletion request.")
        Path request;

        @Option(names = "--show", defaultValue = "20", paramLabel = "N",
                description = "Selected records to list (0: counts only; -1: all). Default: ${DEFAULT-VALUE}.")
        int show;

        @Option(names = "--json", description = "One JSON object instead of text (ids and counts; questions only when listed).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (show < -1) {
                throw new InvalidInputException("--show " + show + ": expected 0 (counts only), -1 (all) or a number of records to list");
            }
            DeletionRequest r = in.read(request);
            RequestPolicy policy = in.policySet().named(r.policy());
            DeletionRequest.Thresholds t = PolicySet.effective(policy, r.thresholds());
            RequestResolver.Resolution res = RequestResolver.resolve(r.selectors(),
                    RequestResolver.trainingData(in.trainingData));
            List<QaRecord> listed = show < 0 ? res.forget()
                    : res.forget().subList(0, Math.min(show, res.forget().size()));
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("request_id", r.requestId());
            doc.put("policy", policy.name());
            doc.put("method", policy.method());
            doc.put("max_steps", policy.train().maxSteps());
            doc.put("verify_every", policy.verifyEvery());
            doc.put("selected", res.forget().size());
            doc.put("training_records", res.trainingRecords());
            doc.put("retain_pool", res.rest().size());
            doc.put("matches_by_selector", res.matchesBySelector());
            doc.put("thresholds", t);
            List<Map<String, String>> rows = new ArrayList<>();
            for (QaRecord q : listed) {
                Map<String, String> row = new LinkedHashMap<>();
                row.put("id", q.id());
                row.put("entity", q.entity());
                row.put("question", q.question());
                row.put("matched_by", String.join(",", res.matchedBy().get(q.id())));
                rows.add(row);
            }
            doc.put("records", rows);
            PrintWriter out = out();
            if (json) {
                out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(doc));
                out.flush();
                return ExitCodes.OK;
            }
            out.printf("request %s: %d of %d training records selected %s; retain pool %d%n", r.requestId(),
                    res.forget().size(), res.trainingRecords(), res.matchesBySelector(), res.rest().size());
            out.printf("policy %s: %s, %s%n", policy.name(), policy.method(), policy.train().maxSteps() > 0
                    ? "at most " + policy.train().maxSteps() + " steps" : policy.train().epochs() + " epochs");
            if (policy.verifiesDuringTraining()) {
                out.printf("  verified %s; training stops at the first step where every check passes%n",
                        policy.verifyEvery() == 1 ? "after every step" : "every " + policy.verifyEvery() + " steps");
            }
            out.printf("thresholds: forget probability <= %s, forget ROUGE-L recall <= %s, |MIA AUC - 0.5| <= %s,"
                    + " extraction rate <= %s, retain utility drop <= %s%n", t.maxForgetProbability(), t.maxForgetRouge(),
                    t.miaAucBand(), t.maxExtractionRate(), t.maxUtilityDrop());
            if (!listed.isEmpty()) {
                out.printf("selected records%s:%n", listed.size() < res.forget().size()
                        ? " (first " + listed.size() + " of " + res.forget().size() + "; --show -1 lists all)" : "");
                for (Map<String, String> row : rows) {
                    out.printf("  %s  %-20s  %-13s  %s%n", row.get("id"), dev.unlearn.cli.Texts.printable(String.valueOf(row.get("entity"))),
                            row.get("matched_by"), dev.unlearn.cli.Texts.printable(row.get("question")));
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code unlearn request batch}. */
    @Command(name = "batch", mixinStandardHelpOptions = true, header = "Apply several deletion requests in sequence.",
            description = {
                "Each request starts from the model the previous accepted request produced (sequential unlearning);",
                "each gets its own audit entry (--key is required, as for submit). Stops at the first rejected request (exit 1).",
                "",
                "Example:",
                "  unlearn request batch r1.json r2.json --training-data world --model models/full --out compliance"
            })
    static class Batch extends DeviceCommand {
        @Mixin SubmitOptions o;

        @Parameters(arity = "1..*", paramLabel = "REQUEST.json", description = "Requests, applied in order.")
        List<Path> requests;

        @Override
        public Integer call() {
            RequestWorkflow wf = o.workflow(spec);
            List<DeletionRequest> rs = new ArrayList<>();
            Map<String, Path> seen = new java.util.HashMap<>();
            for (Path p : requests) {
                DeletionRequest r = o.read(p);
                Path first = seen.putIfAbsent(r.requestId(), p);
                if (first != null) { // before any work: the second would unlearn from the first's published model
                    throw new InvalidInputException("request id " + r.requestId() + " appears twice in the batch (" + first
                            + ", " + p + "); give each request once");
                }
                rs.add(r);
            }
            Path model = o.model;
            for (int i = 0; i < rs.size(); i++) {
                RequestWorkflow.Outcome out = wf.submit(rs.get(i), requests.get(i), o.options(model, common.device));
                if (!out.accepted()) {
                    return verdict(out);
                }
                model = out.resultDir().resolve("model");
            }
            out().printf("%d requests applied; latest model: %s%n", rs.size(), model);
            return ExitCodes.OK;
        }
    }

    private static int verdict(RequestWorkflow.Outcome out) {
        if (!out.accepted()) {
            throw new VerificationFailedException("request " + out.requestId() + " was rejected; the model is kept under "
                    + out.resultDir() + " with the failing figures in result.json");
        }
        return ExitCodes.OK;
    }

    /** {@code unlearn request verify-log}. */
    @Command(name = "verify-log", mixinStandardHelpOptions = true, header = "Check an audit log's chain, MACs and anchored head.",
            description = {
                "Recomputes every entry's hash and every link and reports the first broken entry. With the deployment key",
                "(--key, $UNLEARN_KEY_FILE or $UNLEARN_KEY) it also checks every entry's HMAC, so a rewritten history or a",
                "forged entry is caught even when its hashes were recomputed; without a key it can only say the chain is",
                "intact. With --expect-head (a head saved earlier by 'unlearn request log-head') it also detects a dropped",
                "tail and a rewrite of anything up to that head. Exit 1 if broken, 2 for a missing file or bad head.",
                "",
                "Examples:",
                "  unlearn request verify-log compliance/audit.jsonl --key /etc/unlearn/key",
                "  unlearn request verify-log compliance/audit.jsonl --key /etc/unlearn/key --expect-head head-2026-06.json"
            })
    static class VerifyLog extends BaseCommand {

        @Mixin
        AuditLogFile log;

        @Option(names = "--expect-head", paramLabel = "HEAD.json", description = "A head printed earlier by 'request log-head'.")
        Path head;


        @Override
        public Integer call() {
            AuditLog log = this.log.open(this.log.key.find().orElse(null));
            AuditLog.Verification v;
            if (head != null) {
                com.fasterxml.jackson.databind.JsonNode h;
                try {
                    h = PolicySet.strict(new com.fasterxml.jackson.databind.ObjectMapper()).readTree(head.toFile());
                } catch (java.io.IOException ex) {
                    throw new InvalidInputException("--expect-head " + head + ": not a readable JSON head: "
                            + dev.unlearn.core.io.ParseErrors.describe(ex), ex);
                }
                try {
                    v = log.verifyAgainst(h);
                } catch (InvalidInputException ex) {
                    throw new InvalidInputException("--expect-head " + head + ": " + ex.getMessage(), ex);
                }
            } else {
                v = log.verify();
            }
            PrintWriter out = out();
            if (v.ok()) {
                out.printf("ok: %d entries, chain intact%s%s%n", v.entries(),
                        v.authenticated() ? ", every entry's HMAC verified with key " + log.key().id()
                                : " (NOT authenticated: no key given, so anyone who can write the file could have"
                                        + " rewritten it; pass --key)",
                        head != null ? ", consistent with the anchored head" : "");
                return ExitCodes.OK;
            }
            out.printf("BROKEN at entry %d of %d: %s%n", v.brokenLine(), v.entries(), dev.unlearn.cli.Texts.printable(v.reason()));
            return ExitCodes.CHECK_FAILED;
        }
    }

    /** {@code unlearn request log-head}. */
    @Command(name = "log-head", mixinStandardHelpOptions = true, header = "Print an audit log's signed head, to anchor it elsewhere.",
            description = {
                "Prints a JSON head: entry count, SHA-256 of the last line (which commits to every earlier entry through",
                "the chain) and an HMAC over both under the deployment key (--key, required). Keep it outside the machine (a ticket, the",
                "DPO's mailbox); 'unlearn request verify-log --expect-head' then detects truncation and rewrites.",
                "The log is verified first (exit 1 if broken).",
                "",
                "Example:",
                "  unlearn request log-head compliance/audit.jsonl --key /etc/unlearn/key > head-2026-06.json"
            })
    static class LogHead extends BaseCommand {

        /** The key is required here. */
        @Mixin
        AuditLogFile log;


        @Override
        public Integer call() throws Exception {
            AuditLog log = this.log.open(this.log.key.require());
            PrintWriter out = out();
            out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(log.head()));
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code unlearn request keygen}. */
    @Command(name = "keygen", mixinStandardHelpOptions = true, header = "Create a deployment key file (32 random bytes, hex).",
            description = {
                "Writes 32 bytes from the JDK's SecureRandom as hex to FILE, readable by its owner only. Refuses an",
                "existing file (a lost key cannot authenticate the log it signed). Keep the key off the machine's shared",
                "disk; whoever holds it can sign entries and test pseudonyms.",
                "",
                "Example:",
                "  unlearn request keygen /etc/unlearn/key && export UNLEARN_KEY_FILE=/etc/unlearn/key"
            })
    static class Keygen extends BaseCommand {

        @Parameters(paramLabel = "FILE", description = "The new key file.")
        Path file;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidInputException(file + " exists; a key file is never overwritten");
            }
            byte[] b = new byte[32];
            new java.security.SecureRandom().nextBytes(b);
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
            Files.writeString(tmp, java.util.HexFormat.of().formatHex(b) + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            out().printf("wrote %s (key id %s)%n", file, DeploymentKey.load(file).id());
            return ExitCodes.OK;
        }
    }
}

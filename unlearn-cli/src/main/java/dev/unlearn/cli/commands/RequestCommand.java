package dev.unlearn.cli.commands;

import dev.unlearn.cli.CommonOptions;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.cli.requests.AuditLog;
import dev.unlearn.cli.requests.DeletionRequest;
import dev.unlearn.cli.requests.MethodRunnerUnlearner;
import dev.unlearn.cli.requests.RequestWorkflow;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.VerificationFailedException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code unlearn request}: deletion requests, from submission to a verified, audited model. */
@Command(name = "request", mixinStandardHelpOptions = true,
        header = "Deletion requests: resolve, unlearn, verify, publish and audit.",
        description = {"See docs/compliance.md for the request format and a worked example."},
        subcommands = {RequestCommand.Submit.class, RequestCommand.Batch.class, RequestCommand.VerifyLog.class})
public class RequestCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by submit and batch. */
    static class SubmitOptions {
        @Option(names = "--training-data", required = true, paramLabel = "PATH",
                description = "The model's training data: a QA file or a folder of them (TOFU JSON/JSONL).")
        Path trainingData;

        @Option(names = "--model", paramLabel = "DIR", description = "The model to act on (default: the request's \"model\").")
        Path model;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Output folder: audit.jsonl, accepted/ID/, rejected/ID/, current.json.")
        Path out;

        @Option(names = "--holdout", paramLabel = "FILE",
                description = "Held-out QA records (never trained) for the membership-inference check."
                        + " Default: the forget questions with their first perturbed answer.")
        Path holdout;

        @Option(names = "--template", defaultValue = "auto", description = "Prompt template: auto (the model's chat template if it has one, else plain), chat, plain, tofu-phi, ou-phi, llama2, llama3, or file:PATH.jinja (a custom chat template). Default: ${DEFAULT-VALUE}.")
        String template;

        @Option(names = "--max-new-tokens", defaultValue = "48", description = "Greedy generation budget. Default: ${DEFAULT-VALUE}.")
        int maxNewTokens;

        @Option(names = "--retain-sample", defaultValue = "100",
                description = "Retain records drawn for the utility check. Default: ${DEFAULT-VALUE}.")
        int retainSample;

        @Option(names = "--seed", defaultValue = "0", description = "Seed. Default: ${DEFAULT-VALUE}.")
        long seed;

        RequestWorkflow.Options options(Path model) {
            return new RequestWorkflow.Options(trainingData, model, holdout, template, maxNewTokens, seed, retainSample);
        }
    }

    /** {@code unlearn request submit}. */
    @Command(name = "submit", mixinStandardHelpOptions = true, header = "Apply one deletion request.",
            description = {
                "Resolves the request's selectors against the training data (an empty match is an error), unlearns,",
                "verifies forget probability, ROUGE, membership-inference AUC, extraction and retain utility against the",
                "thresholds, writes the model to OUT/accepted/ID (or OUT/rejected/ID) and appends a hash-chained audit",
                "entry. Resubmitting an id reports the earlier result. Exit 1 when verification fails.",
                "",
                "Example:",
                "  unlearn request submit request.json --training-data world --model models/full --out compliance"
            })
    static class Submit implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin CommonOptions common;
        @Mixin SubmitOptions o;

        @Parameters(paramLabel = "REQUEST.json", description = "The deletion request.")
        Path request;

        @Override
        public Integer call() {
            PrintWriter log = spec.commandLine().getOut();
            DeletionRequest r = DeletionRequest.read(request);
            RequestWorkflow.Outcome out = new RequestWorkflow(o.out, new MethodRunnerUnlearner(System.err), log)
                    .submit(r, request, o.options(o.model));
            return verdict(out);
        }
    }

    /** {@code unlearn request batch}. */
    @Command(name = "batch", mixinStandardHelpOptions = true, header = "Apply several deletion requests in sequence.",
            description = {
                "Each request starts from the model the previous accepted request produced (sequential unlearning);",
                "each gets its own audit entry. Stops at the first rejected request (exit 1).",
                "",
                "Example:",
                "  unlearn request batch r1.json r2.json --training-data world --model models/full --out compliance"
            })
    static class Batch implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin CommonOptions common;
        @Mixin SubmitOptions o;

        @Parameters(arity = "1..*", paramLabel = "REQUEST.json", description = "Requests, applied in order.")
        List<Path> requests;

        @Override
        public Integer call() {
            PrintWriter log = spec.commandLine().getOut();
            List<DeletionRequest> rs = new ArrayList<>();
            for (Path p : requests) {
                rs.add(DeletionRequest.read(p));
            }
            RequestWorkflow wf = new RequestWorkflow(o.out, new MethodRunnerUnlearner(System.err), log);
            Path model = o.model;
            for (int i = 0; i < rs.size(); i++) {
                RequestWorkflow.Outcome out = wf.submit(rs.get(i), requests.get(i), o.options(model));
                if (!out.accepted()) {
                    return verdict(out);
                }
                model = out.resultDir().resolve("model");
            }
            log.printf("%d requests applied; latest model: %s%n", rs.size(), model);
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
    @Command(name = "verify-log", mixinStandardHelpOptions = true, header = "Check an audit log's hash chain.",
            description = {
                "Recomputes every entry's hash and every link; reports the first broken entry. Exit 1 if broken.",
                "",
                "Example:",
                "  unlearn request verify-log compliance/audit.jsonl"
            })
    static class VerifyLog implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The audit log (audit.jsonl).")
        Path file;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException("audit log " + file + " does not exist");
            }
            AuditLog.Verification v = new AuditLog(file).verify();
            PrintWriter out = spec.commandLine().getOut();
            if (v.ok()) {
                out.printf("ok: %d entries, chain intact%n", v.entries());
                return ExitCodes.OK;
            }
            out.printf("BROKEN at entry %d of %d: %s%n", v.brokenLine(), v.entries(), v.reason());
            return ExitCodes.CHECK_FAILED;
        }
    }
}

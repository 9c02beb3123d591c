package dev.unlearn.cli.commands;

import dev.unlearn.cli.TemplateOption;
import dev.unlearn.cli.AttentionMaskOption;
import dev.unlearn.cli.ModelCommand;
import dev.unlearn.cli.StrictOption;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.eval.model.EvalData;
import dev.unlearn.eval.model.Evaluator;
import dev.unlearn.eval.model.TruthRatioBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code unlearn eval tofu}: runs a checkpoint over a TOFU-layout data directory through
 * {@link Evaluator} and writes TOFU-format logs, the aggregated file, {@code report.json},
 * {@code report.html} (and {@code index.html}), charts and {@code summary.json}; prints the summary.
 */
@Command(
        name = "tofu",
        mixinStandardHelpOptions = true,
        header = "Evaluate a checkpoint on TOFU-layout data: TOFU logs, FQ/MU, MIA, CKA, refusal; report.json + report.html.",
        description = {
            "Scores answer/paraphrased/perturbed answers of the four TOFU tasks (retain_perturbed, real_authors_perturbed,",
            "world_facts_perturbed, <forget-split>_perturbed), generates greedily for ROUGE, and runs the selected suites.",
            "Forget Quality needs --retain-model (run here) or --retain-logs (its eval_log_forget.json from an earlier run).",
            "The MIA holdout is holdoutXX.json when present, else the forget questions with their first perturbed answer.",
            "An option that only suites left out of --suites read (--gradnorm without mia, say) is refused.",
            "Prints the summary (forget_quality, model_utility, ...) as one JSON line."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  unlearn eval tofu --model runs/npo/model --data data/tofu --retain-model models/retain90 --out runs/npo/eval",
            "  unlearn eval tofu --model models/full --data world --retain-model models/retain \\",
            "      --max-new-tokens 32 --out /tmp/eval",
            "  unlearn eval tofu --model m --data d --retain-logs runs/retain/eval --suites tofu --out runs/m/eval"
        })
public class EvalTofuCommand extends ModelCommand {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "TOFU-layout data directory.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Results folder: new, empty, or this command's earlier results (replaced whole).")
    Path out;

    /** The retain model itself or its logs from an earlier run, not both; absent when neither is given. */
    @ArgGroup(exclusive = true)
    Retain retain;

    @Option(names = "--original-model", paramLabel = "DIR", description = "Model before unlearning (CKA to the original).")
    Path originalModel;

    @Option(names = "--forget-split", defaultValue = "forget10", paramLabel = "NAME", description = "Forget split. Default: ${DEFAULT-VALUE}.")
    String forgetSplit;

    @Option(names = "--suites", split = ",", paramLabel = "LIST", defaultValue = "tofu,mia,representation,refusal",
            completionCandidates = dev.unlearn.cli.Candidates.SuiteNames.class,
            description = "Comma-separated metric suites, of ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    List<String> suites;

    @Mixin
    TemplateOption template;

    @Option(names = "--truth-ratio-base", defaultValue = "paraphrased", paramLabel = "BASE",
            description = "Base answer of the Retain/Forget truth ratio: paraphrased (TOFU) or answer (data whose perturbed answers "
                    + "perturb the answer, e.g. the built-in synthetic world). Default: ${DEFAULT-VALUE}.")
    TruthRatioBase truthRatioBase;

    @Option(names = "--max-new-tokens", defaultValue = "200", paramLabel = "N", description = "Greedy generation budget. Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--max-length", defaultValue = "512", paramLabel = "N", description = "Longest tokenized sequence. Default: ${DEFAULT-VALUE}.")
    int maxLength;

    @Mixin
    AttentionMaskOption attentionMask;

    @Option(names = "--batch-size", defaultValue = "8", paramLabel = "N", description = "Scoring batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--max-rows", paramLabel = "N", description = "Keep the first N rows per task (TOFU original: 300). Default: all (open-unlearning).")
    Integer maxRows;

    @Option(names = "--idk-templates", paramLabel = "FILE", description = "TOFU's idontknow.jsonl: refusal detector 'combined' instead of 'gcg-prefixes'.")
    Path idkTemplates;

    @Option(names = "--title", paramLabel = "TEXT", description = "Report title.")
    String title;

    @Option(names = "--gradnorm", description = "Also run the GradNorm MIA attack (one backward pass per sample on a copy of the model).")
    boolean gradNorm;

    @Mixin
    StrictOption strict;

    @Mixin
    dev.unlearn.cli.PrecisionOption precision;

    /** An option that feeds some suites only; given without any of them, it would be ignored. */
    private record SuiteOption(String option, List<String> suites) {}

    private static final List<SuiteOption> SUITE_OPTIONS = List.of(
            new SuiteOption("--retain-model", List.of("tofu", "mia", "representation")),
            new SuiteOption("--retain-logs", List.of("tofu")),
            new SuiteOption("--original-model", List.of("representation")),
            new SuiteOption("--truth-ratio-base", List.of("tofu")),
            new SuiteOption("--strict", List.of("tofu")),
            new SuiteOption("--gradnorm", List.of("mia")),
            new SuiteOption("--idk-templates", List.of("refusal")));

    /** Refuses an option given on the command line that no selected suite reads. */
    private void refuseOptionsNoSuiteReads() {
        picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (SuiteOption o : SUITE_OPTIONS) {
            if (parsed.hasMatchedOption(o.option()) && o.suites().stream().noneMatch(suites::contains)) {
                boolean one = o.suites().size() == 1;
                throw new InvalidInputException(o.option() + " feeds the " + String.join(", ", o.suites()) + " suite"
                        + (one ? "" : "s") + " only, and --suites " + String.join(",", suites) + " leaves "
                        + (one ? "it" : "them all") + " out, so it would be ignored; add " + o.suites().get(0)
                        + " to --suites or leave " + o.option() + " out");
            }
        }
    }

    @Override
    public Integer call() {
        if (!"cpu".equals(common.device)) {
            throw new InvalidInputException("unlearn eval runs on the CPU for now; drop --device " + common.device);
        }
        refuseOptionsNoSuiteReads();
        EvalData.requireSplitName("--forget-split", forgetSplit);
        Map<String, Path> inputs = OutputDirs.inputs("--model", model.dir, "--data", data, "--retain-model",
                retain == null ? null : retain.model, "--retain-logs", retain == null ? null : retain.logs,
                "--original-model", originalModel, "--idk-templates", idkTemplates, "--template", template.file());
        for (String option : List.of("--model", "--data", "--retain-model", "--original-model")) {
            Path p = inputs.get(option);
            if (p != null && !Files.isDirectory(p)) {
                throw new InvalidInputException(option + " " + p + ": no such directory");
            }
        }
        OutputDirs.Results results = OutputDirs.results(out, "eval tofu", inputs);
        Evaluator.Builder b = Evaluator.builder(data)
                .optForgetSplit(forgetSplit)
                .optSuites(suites)
                .optTemplate(template.resolve(model.dir))
                .optTruthRatioBase(truthRatioBase)
                .optMaxNewTokens(maxNewTokens)
                .optMaxLength(maxLength)
                .optAttentionMask(attentionMask.masking())
                .optBatchSize(batchSize)
                .optMaxRows(maxRows)
                .optGradNorm(gradNorm)
                .optPrecision(precision.precision())
                .optStrict(strict.enabled);
        if (retain != null) {
            retain.applyTo(b);
        }
        if (originalModel != null) {
            b.optOriginalModel(originalModel);
        }
        if (idkTemplates != null) {
            b.optIdkTemplates(idkTemplates);
        }
        if (title != null) {
            b.optTitle(title);
        }
        Evaluator.Result r;
        try (dev.unlearn.cli.Ui ui = dev.unlearn.cli.Ui.of(spec)) {
            r = b.optProgress(ui).build().evaluate(model.dir);
        }
        results.publish(r::write);
        result(EvalJson.line(r.summary().toMap()));
        return 0;
    }

    /** Where Forget Quality's retain figures come from: the model (run here) or its TOFU logs. */
    static class Retain {
        @Option(names = "--retain-model", paramLabel = "DIR", description = "Retain (retrained) model: Forget Quality, CKA, MIA reference attack.")
        Path model;

        @Option(names = "--retain-logs", paramLabel = "PATH", description = "Retain model's TOFU logs instead of --retain-model (Forget Quality only).")
        Path logs;

        void applyTo(Evaluator.Builder b) {
            if (model != null) {
                b.optRetainModel(model);
            } else {
                b.optRetainLogs(logs);
            }
        }
    }
}

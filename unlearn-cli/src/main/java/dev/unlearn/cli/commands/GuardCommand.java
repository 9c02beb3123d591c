package dev.unlearn.cli.commands;

import dev.unlearn.cli.CommandGroup;
import dev.unlearn.cli.TemplateOption;
import ai.djl.ndarray.NDManager;
import dev.unlearn.cli.ModelCommand;
import dev.unlearn.cli.MethodOverrides;
import dev.unlearn.cli.SeedOption;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.methods.guard.GuardConfig;
import dev.unlearn.methods.guard.GuardFilter;
import dev.unlearn.methods.guard.GuardFilterBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code unlearn guard}: GUARD generation-time unlearning (methods.md §9); {@code build} writes a filter file. */
@Command(name = "guard", mixinStandardHelpOptions = true, header = "GUARD: build a decoding filter instead of changing weights.",
        subcommands = {GuardCommand.Build.class})
public class GuardCommand extends CommandGroup {
    /** {@code unlearn guard build}. */
    @Command(name = "build", mixinStandardHelpOptions = true,
            header = "Train the prompt detector and extract forbidden sequences into FILTER.json (the model is unchanged).",
            description = "Apply the result with 'unlearn generate --guard FILTER.json'. The file holds token ids, detector "
                    + "weights and embeddings, never the raw forget text.")
    public static class Build extends ModelCommand {
        @Option(names = "--forget", required = true, paramLabel = "FILE", description = "Forget set (TOFU JSON lines).")
        Path forget;

        @Option(names = "--retain", required = true, paramLabel = "FILE", description = "Retain set: detector negatives.")
        Path retain;

        @Option(names = "--negatives", paramLabel = "FILE", description = "More negative questions (e.g. world facts); repeatable.")
        List<Path> negatives = new ArrayList<>();

        @Mixin
        TemplateOption template;

        @Option(names = "--refusals", paramLabel = "FILE", description = "Refusal templates, one per line; the first is the fallback. Default: \"I don't know.\"")
        Path refusals;

        @Mixin
        MethodOverrides sets;

        @Option(names = "--no-paraphrases", description = "Do not train the detector on the forget rows' paraphrased questions.")
        boolean noParaphrases;

        @Mixin
        SeedOption seed;

        @Option(names = "--out", required = true, paramLabel = "FILTER.json", description = "Filter file to write: a new file, or a filter an earlier build wrote (replaced).")
        Path out;

        @Override
        public Integer call() throws IOException {
            PrintWriter o = out();
            for (Path n : negatives) {
                OutputDirs.refuseOverlap(out, OutputDirs.inputs("--negatives", n));
            }
            OutputDirs.requireResultFile(out, "--out", OutputDirs.inputs("--model", model.dir, "--forget", forget,
                    "--retain", retain, "--refusals", refusals, "--template", template.file()), GuardFilter::isFilterFile,
                    "a GUARD filter");
            GuardConfig cfg = (GuardConfig) sets.bind("guard", Map.of());
            List<QaRecord> f = QaReader.read(forget);
            List<QaRecord> neg = new ArrayList<>(QaReader.read(retain));
            for (Path p : negatives) {
                neg.addAll(QaReader.read(p));
            }
            String refusal = "I don't know.";
            if (refusals != null) {
                if (!Files.isRegularFile(refusals)) {
                    throw new InvalidInputException("--refusals " + refusals + ": " + (Files.exists(refusals)
                            ? "not a regular file" : "no such file") + "; give a text file of refusal templates, one per line");
                }
                refusal = Files.readAllLines(refusals, StandardCharsets.UTF_8).stream().map(String::strip)
                        .filter(s -> !s.isEmpty()).findFirst()
                        .orElseThrow(() -> new InvalidInputException(refusals + " holds no refusal template"));
            }
            Path weights = model.dir.resolve(Checkpoint.WEIGHTS);
            String digest = Files.isRegularFile(weights) ? Digests.sha256(weights) : null;
            Engines.pytorch();
            GuardFilter filter;
            try (NDManager root = NDManager.newBaseManager(Engines.device(common.device));
                    CausalLm lm = ModelDirs.load(model.dir, root, false); TextTokenizer tok = TextTokenizer.load(model.dir)) {
                filter = GuardFilterBuilder.build(lm, tok, template.resolve(model.dir), cfg,
                        new GuardFilterBuilder.Inputs(f, neg, refusal, !noParaphrases, seed.value), digest);
            }
            filter.write(out);
            GuardFilter.HeldOut h = filter.detector().heldOut();
            int seqs = filter.samples().stream().mapToInt(s -> s.forbiddenSequences().size()).sum();
            o.printf("wrote %s: %d forget samples, %d forbidden sequences, semantic threshold %.4f%n", out,
                    filter.samples().size(), seqs, filter.semanticThreshold());
            o.printf("detector %s on hidden state %d, threshold %.2f; held out %d+%d: accuracy %.4f, FPR %.4f, FNR %.4f%n",
                    filter.detector().kind(), filter.detector().layer(), filter.detector().threshold(), h.positives(),
                    h.negatives(), h.accuracy(), h.falsePositiveRate(), h.falseNegativeRate());
            o.flush();
            return ExitCodes.OK;
        }
    }
}

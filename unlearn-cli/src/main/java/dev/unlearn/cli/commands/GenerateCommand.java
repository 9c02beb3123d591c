package dev.unlearn.cli.commands;

import ai.djl.ndarray.NDManager;
import dev.unlearn.cli.ModelCommand;
import dev.unlearn.cli.SeedOption;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.Generator;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.methods.guard.Guard;
import dev.unlearn.methods.guard.GuardFilter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code unlearn generate}: decodes from a checkpoint, optionally through a GUARD filter file. Prints
 * the generated ids space-separated on one line with {@code --print-ids}, else the decoded text. With
 * {@code --guard}, one line on stderr gives the detector score and what was retrieved.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, header = "Generate text from a checkpoint (optionally with a GUARD filter).",
        description = "Greedy unless --temperature is given; then seeded sampling, with --top-p as its nucleus mass (--greedy "
                + "with --temperature, or --top-p or --seed without it, is refused). A non-detected prompt decodes exactly as without --guard.")
public class GenerateCommand extends ModelCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static class Input {
        @Option(names = "--input-ids", paramLabel = "IDS", split = ",", description = "Prompt token ids, comma-separated.")
        long[] ids;

        @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt text (tokenised with special tokens).")
        String text;
    }

    @Option(names = "--template", paramLabel = "NAME", completionCandidates = dev.unlearn.cli.Candidates.Templates.class,
            description = "Wrap --prompt as a question in this template: ${COMPLETION-CANDIDATES} (auto and chat: the model's"
                    + " chat template; file:PATH.jinja: a custom one). Default: the prompt as given.")
    String template;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--greedy", description = "Argmax decoding (the default unless --temperature is given).")
    boolean greedy;

    @Option(names = "--temperature", paramLabel = "T", description = "Sample at this temperature (> 0).")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus mass for sampling (with --temperature), in (0, 1]. Default: 1.0.")
    Double topP;

    @Mixin
    SeedOption seed;

    @Option(names = "--print-ids", description = "Print generated ids (space-separated) instead of text.")
    boolean printIds;

    @Option(names = "--guard", paramLabel = "FILTER.json", description = "Apply a GUARD filter built by 'unlearn guard build'.")
    Path guard;

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (maxNewTokens < 1) {
            throw new InvalidInputException("--max-new-tokens must be at least 1, found " + maxNewTokens);
        }
        if (temperature != null && !(temperature > 0 && Double.isFinite(temperature))) {
            throw new InvalidInputException("--temperature must be a positive number, found " + temperature);
        }
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw new InvalidInputException("--top-p must be in (0, 1], found " + topP);
        }
        if (input.ids != null) {
            Options.refuseIgnored(spec, "to --prompt only", "an --input-ids prompt is used as given", "--template");
        }
        if (greedy && temperature != null) {
            throw new InvalidInputException("--greedy and --temperature contradict each other: give --greedy for argmax"
                    + " decoding or --temperature to sample, not both");
        }
        if (topP != null && temperature == null) {
            throw new InvalidInputException("--top-p applies to sampling only, and decoding is greedy without"
                    + " --temperature: give --temperature too (1 samples from the model's own distribution)");
        }
        if (temperature == null) {
            Options.refuseIgnored(spec, "to sampling only", "decoding is greedy without --temperature", "--seed");
        }
        Engines.pytorch();
        GenerationConfig cfg = temperature == null ? GenerationConfig.greedy(maxNewTokens)
                : GenerationConfig.sampling(maxNewTokens, temperature, topP == null ? 1.0 : topP, seed.value);
        GuardFilter filter = guard == null ? null : GuardFilter.read(guard);
        int vocabSize = ModelDirs.config(model.dir).vocabSize();
        TextTokenizer tok = needsTokenizer() ? TextTokenizer.load(model.dir) : null;
        try {
            long[] prompt = promptIds(tok, vocabSize); // before the weights load: a bad prompt fails at once
            try (NDManager root = NDManager.newBaseManager(Engines.device(common.device));
                    CausalLm lm = ModelDirs.load(model.dir, root, false)) {
                long[] gen;
                if (filter != null) {
                    Guard g = new Guard(filter, lm);
                    Guard.Detection d = g.detect(prompt);
                    PrintWriter err = spec.commandLine().getErr();
                    err.printf("guard: score %.4f %s %.2f, %s%n", d.score(), d.detected() ? ">" : "<=",
                            filter.detector().threshold(), d.detected() ? "detected; retrieved "
                                    + Arrays.stream(d.retrieved()).mapToObj(i -> filter.samples().get(i).id()).toList()
                                    + " similarity " + Arrays.toString(d.similarities()) : "not detected");
                    err.flush();
                    gen = g.generate(prompt, cfg, d);
                } else {
                    gen = Generator.generate(lm, prompt, cfg, List.of());
                }
                if (printIds) {
                    out.println(Arrays.stream(gen).mapToObj(Long::toString).collect(Collectors.joining(" ")));
                } else {
                    out.println(tok.decode(gen, true));
                }
            }
        } finally {
            if (tok != null) {
                tok.close();
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private boolean needsTokenizer() {
        return input.text != null || !printIds;
    }

    private long[] promptIds(TextTokenizer tok, int vocabSize) {
        if (input.ids != null) {
            return IdList.check("--input-ids", input.ids, vocabSize);
        }
        if (template == null) {
            return tok.encode(input.text, true); // the tokenizer refuses ids outside config.json's vocab_size
        }
        PromptTemplate t = PromptTemplate.resolve(template, model.dir, null);
        t.checkSpecialTokens(tok);
        return t.encodePrompt(tok, input.text);
    }
}

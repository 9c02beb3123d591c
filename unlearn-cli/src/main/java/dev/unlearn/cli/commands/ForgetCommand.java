package dev.unlearn.cli.commands;

import dev.unlearn.cli.TemplateOption;
import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.unlearn.cli.ModelCommand;
import dev.unlearn.cli.MethodOverrides;
import dev.unlearn.cli.NonFiniteOption;
import dev.unlearn.cli.SeedOption;
import dev.unlearn.cli.TrainingOptions;
import dev.unlearn.cli.recipe.MethodTrain;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.io.ParseErrors;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.methods.run.MethodRunner;
import dev.unlearn.methods.run.RunSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code unlearn forget}: runs one unlearning method on a checkpoint through
 * {@link MethodRunner} and writes the unlearned checkpoint (Hugging Face layout, atomically, never
 * into the input directory) plus {@code summary.json}. Progress goes to stderr, the output path to stdout.
 */
@Command(
        name = "forget",
        mixinStandardHelpOptions = true,
        defaultValueProvider = TrainingOptions.Defaults.class,
        header = "Unlearn a forget set from a checkpoint with one method; write the new checkpoint and summary.json.",
        description = {
            "Loads --model, runs --method on the --forget records (and --retain records, when the method uses them),",
            "and saves the result to --out (a new directory; the input is never modified) with summary.json: method,",
            "config with defaults filled in, steps, wall time, forget/retain mean answer NLL before and after.",
            "Method keys come from --config (YAML mapping) and then --set key=value; see 'unlearn methods'.",
            "The learning rate has no method default: 1e-5 suits 7B models (OU TOFU), tiny CPU models need ~1e-3.",
            "Training options and defaults are those of 'finetune' and of a recipe's train section (one table,",
            "recipes/README.md); ssd, a direct edit, takes only --max-length and --attention-mask.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  unlearn forget --method npo --model runs/full --forget data/forget10.json --retain data/retain90.json \\",
            "      --out runs/npo --lr 2e-3 --epochs 2 --batch-size 4 --set beta=0.1",
            "  unlearn forget --method flat --model runs/full --forget data/forget10.json --out runs/flat \\",
            "      --templates shared/fixtures/refusal/tofu-idontknow.jsonl --lr 1e-3",
            "  unlearn forget --method pd --set base=npo --set base_config.beta=0.2 --model runs/full \\",
            "      --forget data/forget10.json --retain data/retain90.json --out runs/pd-npo --lr 2e-3"
        })
public class ForgetCommand extends ModelCommand {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Where {@code --out} keeps π_ref's cached outputs (full mode, when used; summary.json records it). */
    static final String REFERENCE_CACHE = "reference-cache";



    @Option(names = "--method", required = true, paramLabel = "NAME", completionCandidates = dev.unlearn.cli.Candidates.MethodNames.class,
            description = "The method: ${COMPLETION-CANDIDATES} (keys and defaults: 'unlearn methods').")
    String method;


    @Option(names = "--forget", required = true, paramLabel = "FILE", description = "Forget records (TOFU-style JSON/JSON Lines, question + answer), or raw text: a .txt file, a folder,"
            + " or JSON Lines with \"text\" (chunked to --max-length tokens).")
    Path forget;

    @Option(names = "--retain", paramLabel = "FILE", description = "Retain records; needed by graddiff, npo/simnpo with alpha > 0, ssd, rmu, pd.")
    Path retain;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "New directory for the unlearned checkpoint and summary.json.")
    Path out;

    @Mixin
    dev.unlearn.cli.OverwriteOption overwrite;

    @Option(names = "--config", paramLabel = "FILE.yaml", description = "The method's keys as a YAML mapping (or a mapping under the method's name).")
    Path config;

    @Mixin
    MethodOverrides sets;

    @Mixin
    TrainingOptions training;

    @Mixin
    SeedOption seed;

    @Mixin
    TemplateOption template;

    @Option(names = "--templates", paramLabel = "FILE", description = "Where TOFU's idontknow.jsonl lies, for a method whose config key templates is tofu-idontknow"
            + " (FLAT's default; digest checked); refused for any other config.")
    Path templatesFile;

    @Mixin
    dev.unlearn.cli.StoreDtype saveDtype;

    @Mixin
    NonFiniteOption nonFinite;

    @Option(names = "--reference-cache-mb", paramLabel = "MB", defaultValue = "" + MethodTrain.DEFAULT_REFERENCE_CACHE_MB,
            description = "Full mode: the largest on-disk cache of the reference model's outputs (NPO, KL, RMU, ...); a"
                    + " larger one falls back to a copy of the model in memory; 0 = always the copy. Default: ${DEFAULT-VALUE}.")
    int referenceCacheMb;

    @Mixin
    dev.unlearn.cli.AdapterOptions adapter;

    @Mixin
    dev.unlearn.cli.PrecisionOption precision;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        // option values first, then paths: all before any work
        TrainSettings settings = training.settings();
        Options.nonNegative("--reference-cache-mb", referenceCacheMb);
        List<String> unused = TrainingOptions.unused(method, settings);
        if (!unused.isEmpty()) {
            throw new InvalidInputException("method '" + method + "' " + TrainingOptions.notTraining(method) + " and does not train: "
                    + unused.stream().map(TrainingOptions::option).toList() + " would be ignored; leave them out");
        }
        checkOut();
        adapter.check(method, out);
        dev.unlearn.core.model.Precision p = precision.precision();
        dev.unlearn.cli.PrecisionOption.requireAdaptersForHalf(p, adapter.enabled(), "method '" + method + "'",
                "--lora-rank N");
        DataType store = saveDtype.dataType();
        Map<String, Object> section = config == null ? Map.of() : readConfig(config, method);
        // fail fast on the method name and config keys before loading anything
        dev.unlearn.methods.spi.MethodConfig bound = sets.bind(method, section);
        if (templatesFile != null && !(bound.needsTemplates()
                && dev.unlearn.methods.spi.TemplateFile.TOFU_TEMPLATES.equals(bound.templates()))) {
            throw new InvalidInputException("--templates locates TOFU's idontknow.jsonl for a config whose 'templates' is '"
                    + dev.unlearn.methods.spi.TemplateFile.TOFU_TEMPLATES + "', but method '" + method + "' "
                    + (bound.needsTemplates() ? "reads its templates from '" + bound.templates() + "'"
                            : "uses no template answers")
                    + ", so the file would be ignored; leave --templates out");
        }
        boolean rawText = RawTextInput.isRawText(forget);
        List<QaRecord> forgetRecords = rawText ? List.of() : QaReader.read(forget);
        List<QaRecord> retainRecords = retain == null || rawText ? List.of() : QaReader.read(retain);
        if (!rawText && forgetRecords.isEmpty()) {
            throw new InvalidInputException("--forget " + forget + " holds no records; nothing to unlearn");
        }
        dev.unlearn.cli.Ui ui = dev.unlearn.cli.Ui.of(spec);
        ui.info(rawText ? "loading %s (raw text: %s, chunks of --max-length tokens)" : "loading %s (%d forget, %d retain records)",
                model.dir, rawText ? forget : forgetRecords.size(), retainRecords.size());
        Device device = Engines.device(common.device);
        // π_ref's cached outputs are written beside --out while it trains (saving replaces --out), then moved in
        OutputDirs.removeStaleTemps(out);
        Path cacheTmp = out.toAbsolutePath().normalize().resolveSibling("." + out.getFileName() + ".tmp-" + REFERENCE_CACHE);
        try (ui; CausalLm lm = ModelDirs.load(model.dir, device, nonFinite.allowed, p); TextTokenizer tok = TextTokenizer.load(model.dir)) {
            adapter.attach(lm, seed.value);
            MethodRunner.Builder b = MethodRunner.builder().setModel(lm).setTokenizer(tok)
                    .optTemplate(template.resolve(model.dir));
            if (rawText) {
                b.optTextExamples(RawTextInput.chunks(tok, forget, settings.maxLength()),
                        retain == null ? List.of() : RawTextInput.chunks(tok, retain, settings.maxLength()));
            } else {
                b.setForget(forgetRecords).optRetain(retainRecords);
            }
            RunSummary s = b.optReference(() -> lm.copy(lm.manager())).optReferenceCacheDir(cacheTmp)
                    .optReferenceCacheLimit((long) referenceCacheMb << 20)
                    .setMethod(method).optConfig(section).optOverrides(sets.values).setSettings(settings).optSeed(seed.value)
                    .optTemplatesFile(templatesFile).addListener(ui.training("unlearn " + method)).build().run();
            ui.close();
            ui.info("%s: %d steps, %.1f s; forget NLL %.4f -> %.4f, retain NLL %.4f -> %.4f", s.method(), s.steps(),
                    s.wallSeconds(), s.forgetNllBefore(), s.forgetNllAfter(), s.retainNllBefore(), s.retainNllAfter());
            ui.info("saving %s", out);
            adapter.save(lm, out, model.dir, store);
            if (Files.isDirectory(cacheTmp)) {
                Files.move(cacheTmp, out.resolve(REFERENCE_CACHE), StandardCopyOption.ATOMIC_MOVE);
                s = s.withReferenceCacheDir(Path.of(REFERENCE_CACHE)); // relative to summary.json's folder
            }
            OutputDirs.removeStaleTemps(out);
            dev.unlearn.core.data.QaWriter.writeAtomically(out.resolve("summary.json"), s.toJson() + "\n");
            OutputDirs.removeStaleTemps(out.resolve("summary.json"));
        } catch (IOException ex) {
            throw new UnlearnException("cannot move the reference cache into " + out + ": " + ex.getMessage(), ex);
        }
        result(out.toString());
        return 0;
    }

    /**
     * Refuses, before any work, an output that equals, contains or lies inside an input, one that holds
     * files without --overwrite, and (even with --overwrite) one the toolkit did not create.
     */
    private void checkOut() {
        OutputDirs.refuseOverlap(out, OutputDirs.inputs("--model", model.dir, "--forget", forget, "--retain", retain,
                "--templates", templatesFile, "--config", config));
        overwrite.check(out);
        ModelDirs.check(model.dir);
    }

    /** The real path of {@code p}, or of its nearest existing ancestor joined with the rest. */
    static Path real(Path p) {
        return OutputDirs.real(p);
    }

    /** The YAML mapping of keys, or the mapping under the method's name when that is the only top-level key. */
    static Map<String, Object> readConfig(Path file, String method) {
        Map<String, Object> m;
        if (!java.nio.file.Files.exists(file)) {
            throw new InvalidInputException("--config: file " + file + " does not exist"
                    + (file.toString().contains("=") ? "; to set one key, use --set " + file : ""));
        }
        try {
            m = YAML.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException ex) {
            throw new InvalidInputException("--config " + file + " is not a readable YAML mapping: "
                    + ParseErrors.describe(ex), ex);
        }
        if (m == null) {
            return Map.of();
        }
        if (m.size() == 1 && m.get(method) instanceof Map<?, ?> inner) {
            Map<String, Object> out = new LinkedHashMap<>();
            inner.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        return m;
    }

    /** Bytes to a {@link PrintWriter}, a line at a time (the training loop prints progress to a stream). */
    private static final class LineWriterStream extends OutputStream {
        private final PrintWriter w;
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

        LineWriterStream(PrintWriter w) {
            this.w = w;
        }

        @Override
        public void write(int b) {
            buf.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            if (buf.size() > 0) {
                w.print(buf.toString(StandardCharsets.UTF_8));
                buf.reset();
            }
            w.flush();
        }
    }
}

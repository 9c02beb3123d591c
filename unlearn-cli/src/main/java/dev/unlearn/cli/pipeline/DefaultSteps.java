package dev.unlearn.cli.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.AttentionMasking;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.eval.leakage.LeakageItem;
import dev.unlearn.eval.model.EvaluationSummary;
import dev.unlearn.eval.model.Evaluator;
import dev.unlearn.eval.model.ModelRunner;
import dev.unlearn.methods.guard.Guard;
import dev.unlearn.methods.guard.GuardFilter;
import dev.unlearn.eval.tofu.TofuTask;
import dev.unlearn.methods.run.MethodRunner;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.run.RunSummary;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.Methods;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pipeline's real steps: {@link MethodRunner} for unlearning, {@link Evaluator} for evaluation. */
public final class DefaultSteps implements PipelineSteps {
    private final PrintStream progress;
    private final dev.unlearn.cli.Ui ui;

    /** Training progress as plain lines on {@code progress}; evaluation progress nowhere. */
    public DefaultSteps(PrintStream progress) {
        this.progress = progress;
        this.ui = null;
    }

    /** Training and evaluation progress as bars (or plain lines when stderr is no terminal) through {@code ui}. */
    public DefaultSteps(dev.unlearn.cli.Ui ui) {
        this.progress = null;
        this.ui = ui;
    }

    /**
     * The decoding filter of a generation-time method (GUARD), next to the unchanged weights of its
     * "model" folder; evaluation generates through it.
     */
    public static final String DECODING_FILTER = "decoding-filter.json";

    /**
     * A method's config with its {@code templates} file resolved against {@code dir} when it names a
     * file there; a section without {@code templates} takes the method's default first, so a default
     * that names a data-folder file ({@code idkdpo}, {@code idknll}: {@code refusals.txt}) is resolved
     * like an explicit one.
     */
    public static Map<String, Object> config(String method, Map<String, Object> config, Path dir) {
        Map<String, Object> out = new LinkedHashMap<>(config == null ? Map.of() : config);
        if (!out.containsKey("templates")) {
            String t = Methods.byName(method).defaults().templates();
            if (t != null) {
                out.put("templates", t);
            }
        }
        Object t = out.get("templates");
        if (t instanceof String s && !s.isBlank() && Files.isRegularFile(dir.resolve(s))) {
            out.put("templates", dir.resolve(s).toAbsolutePath().toString());
        }
        return out;
    }

    @Override
    public Map<String, Object> unlearn(Path fullModel, DataLayout data, Recipe.MethodRun run, String template, long seed,
            String device, Path outModel) {
        Engines.pytorch();
        boolean filters = Methods.byName(run.method()).kind() == MethodKind.GENERATION_TIME;
        Path filterTmp = filters ? outModel.toAbsolutePath().resolveSibling("." + outModel.getFileName() + "."
                + DECODING_FILTER + ".tmp") : null;
        try (NDManager m = NDManager.newBaseManager(Engines.device(device)); TextTokenizer tok = TextTokenizer.load(fullModel);
                CausalLm lm = dev.unlearn.cli.commands.ModelDirs.load(fullModel, m, false, run.modelPrecision())) {
            dev.unlearn.cli.AdapterOptions adapter = run.adapterOptions();
            adapter.attach(lm, seed);
            RunSummary s = MethodRunner.builder().setModel(lm).optReference(() -> lm.copy(m))
                    .optReferenceCacheDir(outModel.resolveSibling(REFERENCE_CACHE))
                    .optReferenceCacheLimit(run.referenceCacheBytes()).setTokenizer(tok)
                    .optTemplate(PromptTemplate.resolve(template, fullModel, null)).setForget(data.forgetRecords())
                    .optRetain(data.retainRecords()).setMethod(run.method())
                    .optConfig(config(run.method(), run.config(), data.dir())).setSettings(run.settings()).optSeed(seed)
                    .optProgress(progress).optFilterOut(filterTmp).addListener(ui == null
                            ? new dev.unlearn.core.train.TrainingLoop.Listener() {} : ui.training("unlearn/" + run.label()))
                    .build().run();
            if (ui != null) {
                ui.close();
            }
            save(adapter, lm, fullModel, outModel);
            // the stage folder is renamed when it succeeds: name the cache relative to it
            s = s.withReferenceCacheDir(Path.of(REFERENCE_CACHE));
            if (filters) {
                Files.move(filterTmp, outModel.resolve(DECODING_FILTER), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
            return s.toMap();
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /**
     * Where a method stage keeps π_ref's cached outputs (full mode, when the method's uses can be cached
     * and fit {@code MethodRunner}'s limit), beside its {@code model/}; {@code summary.json} records it
     * under {@code reference_cache}, with {@code dir} relative to the stage folder.
     */
    public static final String REFERENCE_CACHE = "reference-cache";

    /** The PEFT adapter folder of a stage run with {@code train.export: peft}, beside its {@code model/}. */
    public static final String ADAPTER = "adapter";

    /**
     * Saves a method stage's model the way {@code unlearn forget} does ({@link dev.unlearn.cli.AdapterOptions#save}):
     * without adapters the checkpoint; with {@code export: merged} the adapters merged into the base; with
     * {@code export: peft} the PEFT adapter folder {@link #ADAPTER} (its base: the full model), and, for the
     * evaluation stages, which score Hugging Face checkpoints, the merged model as {@code model/} too.
     */
    static void save(dev.unlearn.cli.AdapterOptions adapter, CausalLm lm, Path fullModel, Path outModel) {
        if (lm.adapters() != null && adapter.peftExport()) {
            adapter.save(lm, outModel.resolveSibling(ADAPTER), fullModel, DataType.FLOAT32);
            adapter.export = "merged";
        }
        adapter.save(lm, outModel, fullModel, DataType.FLOAT32);
    }

    /** GUARD's decoder for a model folder that holds a {@link #DECODING_FILTER}, else null. */
    static java.util.function.Function<CausalLm, ModelRunner.Decoder> decoder(Path model) {
        Path file = model.resolve(DECODING_FILTER);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        GuardFilter filter = GuardFilter.read(file);
        return lm -> {
            Guard g = new Guard(filter, lm);
            return g::generate;
        };
    }

    /**
     * The name a run gives the model at {@code model}, for the title of its page: {@code full} and
     * {@code retain} for those two, else the method run's label (the folder holding {@code model/}).
     */
    static String modelName(Path model, Path fullModel, Path retainModel) {
        if (model.equals(fullModel)) {
            return "full";
        }
        if (model.equals(retainModel)) {
            return "retain";
        }
        Path f = model.getFileName();
        Path parent = model.getParent();
        return f != null && f.toString().equals("model") && parent != null && parent.getFileName() != null
                ? parent.getFileName().toString() : String.valueOf(f);
    }

    @Override
    public EvaluationSummary evaluate(Path model, Path fullModel, Path retainModel, DataLayout data, List<String> suites,
            String template, Recipe.EvalSpec eval, String device, Path outDir) {
        List<String> evalSuites = suites.stream().filter(x -> !x.equals(dev.unlearn.eval.leakage.LeakageReport.SUITE)).toList();
        Evaluator.Builder b = Evaluator.builder(data.evalData()).optSuites(evalSuites)
                .optTemplate(PromptTemplate.resolve(template, model, null)).optTitle(modelName(model, fullModel, retainModel)
                        + " on " + data.forgetSplit());
        b.optRetainModel(retainModel);
        b.optDecoder(decoder(model));
        if (!model.equals(fullModel)) {
            b.optOriginalModel(fullModel);
        }
        if (eval != null && eval.maxNewTokens() != null) {
            b.optMaxNewTokens(eval.maxNewTokens());
        }
        if (eval != null && eval.batchSize() != null) {
            b.optBatchSize(eval.batchSize());
        }
        if (eval != null && eval.attentionMask() != null) {
            b.optAttentionMask(AttentionMasking.byName(eval.attentionMask()));
        }
        if (ui != null) {
            String stage = "eval/" + (model.getParent() == null ? model : model.getParent().getFileName());
            b.optProgress((s, done, total, detail) -> ui.update(stage, done, total, detail));
        }
        ai.djl.Device on = Engines.device(device);
        b.optDevice(on);
        Evaluator.Result r = b.build().evaluate(model);
        r.writeReport(outDir);
        EvaluationSummary out = r.summary();
        if (suites.contains(dev.unlearn.eval.leakage.LeakageReport.SUITE)) {
            List<LeakageItem> forget = LeakageItem.of(data.evalData().rows(TofuTask.FORGET));
            List<LeakageItem> shots = LeakageItem.of(data.evalData().rows(TofuTask.RETAIN));
            out = out.with(LeakageStep.run(model, retainModel, PromptTemplate.resolve(template, model, null), forget, shots,
                    LeakageStep.config(eval, 0), on, outDir));
        }
        return out;
    }
}

package dev.unlearn.cli.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.AttentionMasking;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.eval.model.Evaluator;
import dev.unlearn.methods.run.MethodRunner;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.run.RunSummary;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pipeline's real steps: {@link MethodRunner} for unlearning, {@link Evaluator} for evaluation. */
public final class DefaultSteps implements PipelineSteps {
    private final PrintStream progress;

    public DefaultSteps(PrintStream progress) {
        this.progress = progress;
    }

    /**
     * A method's config with file-valued keys ({@code templates}) resolved against the data folder when
     * they name a file there (the built-in world ships {@code refusals.txt}).
     */
    public static Map<String, Object> config(Map<String, Object> config, Path dataDir) {
        Map<String, Object> out = new LinkedHashMap<>(config == null ? Map.of() : config);
        Object t = out.get("templates");
        if (t instanceof String s && !s.isBlank() && Files.isRegularFile(dataDir.resolve(s))) {
            out.put("templates", dataDir.resolve(s).toAbsolutePath().toString());
        }
        return out;
    }

    /**
     * {@link #config(Map, Path)} after adding the method's default {@code templates} when the section has
     * none, so a default that names a data-folder file ({@code idkdpo}, {@code idknll}: {@code refusals.txt})
     * is resolved like an explicit one.
     */
    public static Map<String, Object> config(String method, Map<String, Object> config, Path dataDir) {
        Map<String, Object> out = new LinkedHashMap<>(config == null ? Map.of() : config);
        if (!out.containsKey("templates")) {
            String t = Methods.byName(method).defaults().templates();
            if (t != null) {
                out.put("templates", t);
            }
        }
        return config(out, dataDir);
    }

    @Override
    public Map<String, Object> unlearn(Path fullModel, DataLayout data, Recipe.MethodRun run, String template, long seed,
            Path outModel) {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(fullModel);
                CausalLm lm = dev.unlearn.cli.commands.ModelDirs.load(fullModel, m, false)) {
            RunSummary s = MethodRunner.builder().setModel(lm).optReference(() -> lm.copy(m)).setTokenizer(tok)
                    .optTemplate(PromptTemplate.resolve(template, fullModel, null)).setForget(QaReader.read(data.forget()))
                    .optRetain(QaReader.read(data.retain())).setMethod(run.method())
                    .optConfig(config(run.method(), run.config(), data.dir())).setSettings(run.settings()).optSeed(seed)
                    .optProgress(progress).build().run();
            Checkpoint.save(lm, outModel, fullModel, DataType.FLOAT32);
            return RunPipeline.JSON.convertValue(RunPipeline.JSON.readTree(s.toJson()), LinkedHashMap.class);
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    @Override
    public Map<String, Object> evaluate(Path model, Path fullModel, Path retainModel, DataLayout data, List<String> suites,
            String template, Recipe.EvalSpec eval, Path outDir) {
        List<String> evalSuites = suites.stream().filter(x -> !x.equals("leakage")).toList();
        Evaluator.Builder b = Evaluator.builder(data.dir()).optForgetSplit(data.forgetSplit()).optSuites(evalSuites)
                .optTemplate(PromptTemplate.resolve(template, model, null)).optTitle("evaluation of " + model.getFileName());
        b.optRetainModel(retainModel);
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
        Evaluator.Result r = b.build().evaluate(model);
        r.write(outDir);
        Map<String, Object> out = new LinkedHashMap<>();
        r.summary().toMap().forEach((k, v) -> out.put(k, v == null || v.isNaN() ? null : v));
        if (suites.contains("leakage")) {
            List<dev.unlearn.eval.leakage.LeakageItem> forget = dev.unlearn.eval.leakage.LeakageItem.of(
                    QaReader.read(data.file(data.forgetSplit() + "_perturbed")));
            List<dev.unlearn.eval.leakage.LeakageItem> shots = dev.unlearn.eval.leakage.LeakageItem.of(
                    QaReader.read(data.file("retain_perturbed")));
            out.putAll(LeakageStep.run(model, retainModel, PromptTemplate.resolve(template, model, null), forget, shots,
                    LeakageStep.config(eval, 0), outDir));
        }
        return out;
    }
}

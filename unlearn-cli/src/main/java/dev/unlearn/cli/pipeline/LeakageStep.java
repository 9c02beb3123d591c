package dev.unlearn.cli.pipeline;

import ai.djl.ndarray.NDManager;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.core.Engines;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.eval.leakage.LeakageConfig;
import dev.unlearn.eval.leakage.LeakageItem;
import dev.unlearn.eval.leakage.LeakageReport;
import dev.unlearn.eval.leakage.LeakageSuite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code leakage} suite as a pipeline step: loads the two models, runs the attacks, writes {@code leakage.json} and {@code leakage.txt}. */
public final class LeakageStep {
    private LeakageStep() {}

    /** The suite's settings from the recipe ({@code eval.leakage}) over the defaults. */
    public static LeakageConfig config(Recipe.EvalSpec eval, long seed) {
        LeakageConfig d = LeakageConfig.defaults();
        Recipe.LeakageSpec l = eval == null ? null : eval.leakage();
        int maxNew = eval != null && eval.maxNewTokens() != null ? eval.maxNewTokens() : d.maxNewTokens();
        if (l == null) {
            return new LeakageConfig(d.relearnFraction(), d.relearnSteps(), d.relearnLr(), d.relearnBatch(), d.fewShot(), maxNew,
                    d.groupSize(), seed);
        }
        return new LeakageConfig(l.relearnFraction() == null ? d.relearnFraction() : l.relearnFraction(),
                l.relearnSteps() == null ? d.relearnSteps() : l.relearnSteps(), l.relearnLr() == null ? d.relearnLr() : l.relearnLr(),
                d.relearnBatch(), l.fewShot() == null ? d.fewShot() : l.fewShot(), maxNew, d.groupSize(), seed);
    }

    /**
     * Runs the suite on {@code model} against {@code retainModel}, both on {@code device}, and writes the tables into
     * {@code outDir}.
     *
     * @return the flat summary ({@link LeakageReport#summary})
     */
    public static Map<String, Object> run(Path model, Path retainModel, PromptTemplate template, List<LeakageItem> forget,
            List<LeakageItem> shots, LeakageConfig config, ai.djl.Device device, Path outDir) {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(device); TextTokenizer tok = TextTokenizer.load(model);
                CausalLm lm = Checkpoint.load(model, m); CausalLm retain = Checkpoint.load(retainModel, m)) {
            LeakageReport r = new LeakageSuite(tok, template, config).run(lm, retain, forget, shots,
                    retainModel.toAbsolutePath().toString());
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve("leakage.txt"), r.table(), StandardCharsets.UTF_8);
            RunPipeline.writeJson(outDir.resolve("leakage.json"), RunPipeline.JSON.valueToTree(r));
            Map<String, Object> out = new LinkedHashMap<>();
            r.summary().forEach((k, v) -> out.put(k, v == null || !Double.isFinite(v) ? null : v));
            out.put("leakage_wall_seconds", r.wallSeconds());
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

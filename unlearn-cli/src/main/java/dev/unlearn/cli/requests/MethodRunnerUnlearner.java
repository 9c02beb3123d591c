package dev.unlearn.cli.requests;

import ai.djl.ndarray.NDManager;
import dev.unlearn.cli.pipeline.DefaultSteps;
import dev.unlearn.cli.recipe.MethodTrain;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.methods.run.MethodRunner;
import dev.unlearn.methods.run.RunSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request workflow's unlearning step through {@link MethodRunner}: the policy's (or request's)
 * method, config and optimisation settings. π_ref's outputs (NPO's NLL sums, KL retain logits, RMU
 * activations, …) are cached on disk in the call's scratch folder before the first update, as
 * {@code forget} does, instead of keeping a second copy of the model in memory; the workflow deletes that
 * folder when the request ends, since the cache is derived from the forgotten records. Without a scratch
 * folder, where the cache does not apply, or where it would outgrow the policy's {@code train.reference_cache_mb},
 * the reference is a frozen copy of the input model. The summary it returns holds the method, config, steps,
 * mean NLLs and how the reference was provided: no record text.
 */
public final class MethodRunnerUnlearner implements Unlearner {
    private final PrintStream progress;
    private final dev.unlearn.cli.Ui ui;

    /** Training progress as plain lines on {@code progress} (null: none). */
    public MethodRunnerUnlearner(PrintStream progress) {
        this.progress = progress;
        this.ui = null;
    }

    /** Training progress as a bar (plain lines when stderr is no terminal; nothing with {@code -q}). */
    public MethodRunnerUnlearner(dev.unlearn.cli.Ui ui) {
        this.progress = null;
        this.ui = ui;
    }

    @Override
    public Map<String, Object> unlearn(CausalLm model, Path modelDir, List<QaRecord> forget, List<QaRecord> retain,
            QaTokenization tokenization, String method, Map<String, Object> config, MethodTrain train, long seed,
            Path scratch, dev.unlearn.core.train.TrainingLoop.Listener monitor) {
        TrainSettings settings = train == null ? TrainSettings.DEFAULTS : train.settings();
        Map<String, Object> cfg = DefaultSteps.config(method, config, modelDir);
        try (NDManager m = NDManager.newBaseManager(model.device()); TextTokenizer tok = TextTokenizer.load(modelDir)) {
            RunSummary s = MethodRunner.builder().setModel(model).optReference(() -> model.copy(m)).setTokenizer(tok)
                    .optReferenceCacheDir(scratch == null ? null : scratch.resolve("reference-cache"))
                    .optReferenceCacheLimit(train == null ? MethodRunner.Builder.DEFAULT_CACHE_LIMIT : train.referenceCacheBytes())
                    .optTemplate(tokenization.template()).setForget(forget).optRetain(retain).setMethod(method)
                    .optConfig(cfg).setSettings(settings).optSeed(seed).optProgress(progress)
                    .addListener(ui == null ? new dev.unlearn.core.train.TrainingLoop.Listener() {} : ui.training("unlearn " + method))
                    .addListener(monitor)
                    .build().run();
            if (ui != null) {
                ui.close();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("method", s.method());
            out.put("config", s.config());
            out.put("steps", s.steps());
            out.put("skipped_steps", s.skippedSteps());
            out.put("wall_seconds", s.wallSeconds());
            out.put("forget_nll_before", s.forgetNllBefore());
            out.put("forget_nll_after", s.forgetNllAfter());
            out.put("retain_nll_before", s.retainNllBefore());
            out.put("retain_nll_after", s.retainNllAfter());
            if (s.reference() != null) {
                out.put("reference", s.reference());
            }
            return out;
        }
    }
}

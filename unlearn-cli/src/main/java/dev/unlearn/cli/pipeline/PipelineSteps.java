package dev.unlearn.cli.pipeline;

import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.eval.model.EvaluationSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The two heavy steps of a run, behind seams so the pipeline's bookkeeping can be tested on its own. */
public interface PipelineSteps {
    /**
     * Unlearns {@code run} starting from the full model; writes a Hugging Face checkpoint to
     * {@code outModel} and returns the run summary (method, config with defaults, steps, NLLs), on the recipe's
     * {@code model.device} ({@code device}; null: the CPU).
     */
    Map<String, Object> unlearn(Path fullModel, DataLayout data, Recipe.MethodRun run, String template, long seed,
            String device, Path outModel);

    /**
     * Evaluates {@code model} with the given suites (the retain and original models as references)
     * into {@code outDir} (everything but {@code summary.json}, which the pipeline writes once); returns
     * the summary whose declared headline values the report table uses ({@code forget_quality},
     * {@code model_utility}, ...). The models run on {@code device} (the recipe's {@code model.device}; null: the CPU).
     */
    EvaluationSummary evaluate(Path model, Path fullModel, Path retainModel, DataLayout data, List<String> suites,
            String template, Recipe.EvalSpec eval, String device, Path outDir);
}

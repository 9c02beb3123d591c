package dev.unlearn.eval.spi;

import java.util.List;

/**
 * One named evaluation metric, discovered with {@link java.util.ServiceLoader} and looked up by its
 * stable lower-case name through {@link Metrics#byName(String)}.
 *
 * <p>A metric <em>declares itself</em>: the suites it belongs to ({@link #suites}), the inputs it
 * needs ({@link #requiredInputs}), its per-sample series ({@link #perSample}) and its headline numbers
 * ({@link #headlines}). {@link Suites}, the evaluator's choice of what can run, the evaluation summary,
 * the leaderboard columns and the report are derived from these declarations, so adding a metric is
 * its class and a line in {@code META-INF/services/dev.unlearn.eval.spi.Metric} (docs/add-a-metric.md).
 *
 * <p>A metric reads already-computed inputs (per-token log-probs, generations, hidden-state features)
 * and earlier metric results from the {@link EvaluationContext}; it never runs a model itself. An input
 * is computed once per model by whichever provider serves its key (an {@link InputKey#derived derived
 * key} carries its own computation) and shared by every metric that asks for it. Implementations are
 * stateless and have a public no-argument constructor.
 */
public interface Metric {
    /** Stable registry name, lower-case snake case (e.g. {@code tofu_forget_quality}). */
    String name();

    /**
     * The suites this metric belongs to (e.g. {@code tofu}); a suite lists its metrics in registration
     * order. Empty: the metric runs only when named.
     */
    List<String> suites();

    /** Names of metrics whose results this one reads; they run first. Empty by default. */
    default List<String> dependencies() {
        return List.of();
    }

    /**
     * Input keys this metric needs. The evaluator runs the metric only when every one is present or
     * providable (e.g. Forget Quality needs the retain model's forget log); a key may be a flag that
     * says a capability is on (e.g. GradNorm's gradients).
     */
    List<InputKey<?>> requiredInputs();

    /**
     * The fewest rows per task this metric can compute on (a probe needs a held-out row per author); an
     * evaluation that keeps fewer rows per task is refused before any model runs. 1 by default.
     */
    default int minRowsPerTask() {
        return 1;
    }

    /** The per-sample series of the result, with the split each follows (re-keyed by record id). Empty by default. */
    default List<SampleSeries> perSample() {
        return List.of();
    }

    /** The headline numbers this metric contributes to the summary and the leaderboard. Empty by default. */
    default List<Headline> headlines() {
        return List.of();
    }

    /**
     * Computes the metric.
     *
     * @param context inputs and earlier results
     * @return named scalars and per-sample values
     * @throws dev.unlearn.core.InvalidInputException when an input is missing or malformed
     */
    MetricResult evaluate(EvaluationContext context);
}

package dev.unlearn.eval.spi;

import java.util.List;

/**
 * One named evaluation metric, discovered with {@link java.util.ServiceLoader} and looked up by its
 * stable lower-case name through {@link Metrics#byName(String)}.
 *
 * <p>A metric reads already-computed inputs (per-token log-probs, generations, hidden-state features)
 * and earlier metric results from the {@link EvaluationContext}; it never runs a model itself. Model
 * access plugs in as an {@link EvaluationContext.InputProvider} that computes a missing input on
 * demand. Implementations are stateless and have a public no-argument constructor.
 */
public interface Metric {
    /** Stable registry name, lower-case snake case (e.g. {@code tofu_forget_quality}). */
    String name();

    /** Names of metrics whose results this one reads; they run first. Empty by default. */
    default List<String> dependencies() {
        return List.of();
    }

    /** Input keys this metric requires; used to report what is missing before any work starts. */
    List<InputKey<?>> requiredInputs();

    /**
     * Computes the metric.
     *
     * @param context inputs and earlier results
     * @return named scalars and per-sample values
     * @throws dev.unlearn.core.InvalidInputException when an input is missing or malformed
     */
    MetricResult evaluate(EvaluationContext context);
}

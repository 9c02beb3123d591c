package dev.unlearn.eval.spi;

import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a {@link Metric} may read: typed inputs and the results of metrics that ran earlier.
 *
 * <p>Inputs are plain Java data (per-sample log-prob arrays, generations, hidden-state matrices, TOFU
 * logs) stored under {@link InputKey}s. Inputs that are absent are asked of the
 * {@link InputProvider}s in order, and the first answer is cached: this is where model access plugs
 * in (an engineer wiring a model registers a provider that, for instance, scores the forget split and
 * returns its {@code TofuTaskLog}); a key that none of them serves is computed by its own
 * {@link InputKey#derived derivation}, if it has one. Each input is computed at most once per context
 * (one context per model under test) and shared by every metric; an input found unavailable is
 * remembered as such. Earlier results are looked up by metric name, so Forget Quality can
 * read the truth ratios that {@code tofu_truth_ratio} stored per sample. Not thread-safe.
 */
public final class EvaluationContext {
    /** Computes an input on demand, e.g. by running a model. */
    @FunctionalInterface
    public interface InputProvider {
        /**
         * Provides the value of a key, or empty when this provider does not know it.
         *
         * @param key the requested input
         * @param context the context, to read other inputs the computation needs
         */
        <T> Optional<T> provide(InputKey<T> key, EvaluationContext context);
    }

    private final Map<InputKey<?>, Object> inputs = new LinkedHashMap<>();
    private final List<InputProvider> providers = new ArrayList<>();
    private final Map<String, MetricResult> results = new LinkedHashMap<>();
    private final java.util.Set<InputKey<?>> absent = new java.util.HashSet<>();

    /** Adds or replaces an input. */
    public <T> EvaluationContext put(InputKey<T> key, T value) {
        inputs.put(key, key.type().cast(value));
        absent.remove(key);
        return this;
    }

    /** Registers a provider asked, in registration order, for inputs that were not put. */
    public EvaluationContext addProvider(InputProvider provider) {
        providers.add(provider);
        absent.clear();
        return this;
    }

    /** The input under a key, if present or providable. */
    public <T> Optional<T> find(InputKey<T> key) {
        Object v = inputs.get(key);
        if (v != null) {
            return Optional.of(key.type().cast(v));
        }
        if (absent.contains(key)) {
            return Optional.empty();
        }
        for (InputProvider p : providers) {
            Optional<T> got = p.provide(key, this);
            if (got.isPresent()) {
                inputs.put(key, got.get());
                return got;
            }
        }
        if (key.derivation() != null) {
            T got = key.derivation().apply(this);
            if (got != null) {
                inputs.put(key, key.type().cast(got));
                return Optional.of(got);
            }
        }
        absent.add(key);
        return Optional.empty();
    }

    /**
     * The input under a key.
     *
     * @throws InvalidInputException naming the key when it is neither present nor providable
     */
    public <T> T require(InputKey<T> key) {
        return find(key).orElseThrow(() -> new InvalidInputException("evaluation input '" + key.name()
                + "' (" + key.type().getSimpleName() + ") is missing; put it into the EvaluationContext or register a provider for it"));
    }

    /** Whether an input is present or providable. */
    public boolean has(InputKey<?> key) {
        return find(key).isPresent();
    }

    /** Records a metric result so that later metrics can read it. */
    public EvaluationContext addResult(MetricResult result) {
        results.put(result.metric(), result);
        return this;
    }

    /** An earlier result, if that metric ran. */
    public Optional<MetricResult> findResult(String metric) {
        return Optional.ofNullable(results.get(metric));
    }

    /** An earlier result; fails naming the metric when it did not run. */
    public MetricResult result(String metric) {
        return findResult(metric).orElseThrow(() -> new InvalidInputException("metric result '" + metric
                + "' is not available; run that metric first (declare it in dependencies())"));
    }

    /** All results so far, in the order they were added. */
    public Map<String, MetricResult> results() {
        return Collections.unmodifiableMap(results);
    }
}

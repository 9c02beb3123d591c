package dev.unlearn.eval.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one metric produced: named scalar values (in insertion order) and per-sample arrays keyed by
 * the sample key (the 0-based row index as a string, spec conventions).
 *
 * <p>Per-sample series are named, e.g. {@code truth_ratio_forget} maps {@code "0" → 0.73}; sample keys
 * keep the order in which they were added. Values are {@code double}; a per-sample value that is
 * excluded from the aggregate (e.g. Exact Memorization of an empty answer) is {@code NaN}.
 */
public final class MetricResult {
    private final String metric;
    private final Map<String, Double> scalars;
    private final Map<String, Map<String, Double>> perSample;

    private MetricResult(String metric, Map<String, Double> scalars, Map<String, Map<String, Double>> perSample) {
        this.metric = metric;
        this.scalars = Collections.unmodifiableMap(scalars);
        this.perSample = Collections.unmodifiableMap(perSample);
    }

    /** Name of the metric that produced this result. */
    public String metric() {
        return metric;
    }

    /** Named scalar values, in insertion order. */
    public Map<String, Double> scalars() {
        return scalars;
    }

    /** One scalar by name. */
    public double scalar(String name) {
        Double v = scalars.get(name);
        if (v == null) {
            throw new IllegalArgumentException("metric " + metric + " has no value " + name + "; it has " + scalars.keySet());
        }
        return v;
    }

    /** Per-sample series by name: series name → (sample key → value). */
    public Map<String, Map<String, Double>> perSample() {
        return perSample;
    }

    /** One per-sample series by name. */
    public Map<String, Double> series(String name) {
        Map<String, Double> v = perSample.get(name);
        if (v == null) {
            throw new IllegalArgumentException("metric " + metric + " has no per-sample series " + name + "; it has " + perSample.keySet());
        }
        return v;
    }

    /** Starts a result for the named metric. */
    public static Builder builder(String metric) {
        return new Builder(metric);
    }

    /** Accumulates values; {@link #build()} freezes them. */
    public static final class Builder {
        private final String metric;
        private final Map<String, Double> scalars = new LinkedHashMap<>();
        private final Map<String, Map<String, Double>> perSample = new LinkedHashMap<>();

        private Builder(String metric) {
            this.metric = Objects.requireNonNull(metric);
        }

        /** Adds a scalar. */
        public Builder scalar(String name, double value) {
            scalars.put(name, value);
            return this;
        }

        /** Adds a per-sample series (copied, order kept). */
        public Builder series(String name, Map<String, Double> values) {
            perSample.put(name, Collections.unmodifiableMap(new LinkedHashMap<>(values)));
            return this;
        }

        /** Freezes the result. */
        public MetricResult build() {
            return new MetricResult(metric, new LinkedHashMap<>(scalars), new LinkedHashMap<>(perSample));
        }
    }
}

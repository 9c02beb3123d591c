package dev.unlearn.eval.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one metric produced: named scalar values (in insertion order) and per-sample arrays keyed by
 * the sample key: the 0-based row index as a string while metrics run (the TOFU logs' keys, spec
 * conventions), the record id once the evaluator has re-keyed the series its metric declares
 * ({@link #keyedByRecordId}).
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
        return named(scalars, "value", name);
    }

    /** Per-sample series by name: series name → (sample key → value). */
    public Map<String, Map<String, Double>> perSample() {
        return perSample;
    }

    /** One per-sample series by name. */
    public Map<String, Double> series(String name) {
        return named(perSample, "per-sample series", name);
    }

    private <V> V named(Map<String, V> values, String kind, String name) {
        V v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("metric " + metric + " has no " + kind + " " + name + "; it has " + values.keySet());
        }
        return v;
    }

    /**
     * This result with the declared series keyed by record id instead of row index: row {@code i} of a
     * series becomes {@code ids.get(split).get(i)}. A series that is not declared, whose split has no
     * ids, or whose keys are not row indices of that split keeps its keys. A record id that occurs twice
     * in a split gets {@code #2}, {@code #3}, ... appended so no value is lost.
     *
     * @param declared the metric's {@link Metric#perSample} declarations
     * @param ids record ids per split, in row order
     */
    public MetricResult keyedByRecordId(java.util.List<SampleSeries> declared, Map<String, java.util.List<String>> ids) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Double>> e : perSample.entrySet()) {
            java.util.List<String> rowIds = null;
            for (SampleSeries s : declared) {
                if (s.name().equals(e.getKey())) {
                    rowIds = ids.get(s.split());
                }
            }
            out.put(e.getKey(), rowIds == null ? e.getValue() : rekey(e.getValue(), unique(rowIds)));
        }
        return new MetricResult(metric, new LinkedHashMap<>(scalars), out);
    }

    private static Map<String, Double> rekey(Map<String, Double> series, java.util.List<String> ids) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Map.Entry<String, Double> v : series.entrySet()) {
            int row;
            try {
                row = Integer.parseInt(v.getKey());
            } catch (NumberFormatException ex) {
                return series;
            }
            if (row < 0 || row >= ids.size()) {
                return series;
            }
            m.put(ids.get(row), v.getValue());
        }
        return Collections.unmodifiableMap(m);
    }

    private static java.util.List<String> unique(java.util.List<String> ids) {
        Map<String, Integer> seen = new java.util.HashMap<>();
        java.util.List<String> out = new java.util.ArrayList<>(ids.size());
        for (String id : ids) {
            int n = seen.merge(id, 1, Integer::sum);
            out.add(n == 1 ? id : id + "#" + n);
        }
        return out;
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

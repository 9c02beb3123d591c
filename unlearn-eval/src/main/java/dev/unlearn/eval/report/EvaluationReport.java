package dev.unlearn.eval.report;

import dev.unlearn.eval.spi.MetricResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one report shows: metric results of the model under test, free-form metadata (model,
 * data digests, seeds), and other models' (Forget Quality, Model Utility) points for comparison.
 */
public final class EvaluationReport {
    private final String title;
    private final Instant created;
    private final Map<String, String> metadata;
    private final Map<String, MetricResult> results;
    private final List<Plots.ModelPoint> comparison;

    private EvaluationReport(Builder b) {
        this.title = b.title;
        this.created = b.created;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
        this.results = Collections.unmodifiableMap(new LinkedHashMap<>(b.results));
        this.comparison = List.copyOf(b.comparison);
    }

    /** Report title. */
    public String title() {
        return title;
    }

    /** Creation time. */
    public Instant created() {
        return created;
    }

    /** Metadata in insertion order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Metric results by metric name, in run order. */
    public Map<String, MetricResult> results() {
        return results;
    }

    /** Other models to place on the FQ–MU plot. */
    public List<Plots.ModelPoint> comparison() {
        return comparison;
    }

    /** Starts a report. */
    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** Builder; {@code set…} required, {@code opt…} optional. */
    public static final class Builder {
        private final String title;
        private Instant created = Instant.now();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final Map<String, MetricResult> results = new LinkedHashMap<>();
        private final List<Plots.ModelPoint> comparison = new ArrayList<>();

        private Builder(String title) {
            this.title = title;
        }

        /** Creation time (default now); fixed in tests for reproducible output. */
        public Builder optCreated(Instant t) {
            this.created = t;
            return this;
        }

        /** Adds one metadata entry. */
        public Builder optMetadata(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        /** Adds metric results. */
        public Builder addResults(Map<String, MetricResult> r) {
            results.putAll(r);
            return this;
        }

        /** Adds another model's point for the FQ–MU scatter. */
        public Builder addComparison(String name, double forgetQuality, double modelUtility) {
            comparison.add(new Plots.ModelPoint(name, forgetQuality, modelUtility));
            return this;
        }

        /** Builds the report. */
        public EvaluationReport build() {
            return new EvaluationReport(this);
        }
    }
}

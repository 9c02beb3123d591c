package dev.unlearn.eval.spi;

import java.util.Objects;

/**
 * A per-sample series a {@link Metric} declares: its name in the {@link MetricResult} and the split
 * whose records it scores. The evaluator re-keys a declared series from row index to record id
 * ({@link MetricResult#keyedByRecordId}); the report shows it by record id.
 *
 * @param name series name, e.g. {@code truth_ratio/forget}
 * @param split the split whose rows the series follows, in row order: one of {@link #FORGET},
 *     {@link #RETAIN}, {@link #REAL_AUTHORS}, {@link #REAL_WORLD}, {@link #HOLDOUT}
 */
public record SampleSeries(String name, String split) {
    /** The forget split. */
    public static final String FORGET = "forget";
    /** The retain evaluation split. */
    public static final String RETAIN = "retain";
    /** TOFU's Real Authors split. */
    public static final String REAL_AUTHORS = "real_authors";
    /** TOFU's Real World (world facts) split. */
    public static final String REAL_WORLD = "real_world";
    /** The MIA holdout set. */
    public static final String HOLDOUT = "holdout";

    public SampleSeries {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(split, "split");
    }

    /** Declares a series. */
    public static SampleSeries of(String name, String split) {
        return new SampleSeries(name, split);
    }
}

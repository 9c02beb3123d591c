package dev.unlearn.eval.spi;

import java.util.Locale;
import java.util.Objects;

/**
 * One headline number a {@link Metric} declares: a field of the evaluation summary
 * ({@code summary.json}) read from one of the metric's scalars and, when {@link #column} is set, a
 * column of the run's leaderboard and report table.
 *
 * <p>The summary, the leaderboard columns and their order are derived from these declarations
 * ({@link Metrics#headlines}); no other class names a metric's fields.
 *
 * @param field snake-case summary field, e.g. {@code forget_quality}; stable (other tools read it)
 * @param metric the declaring metric's registry name
 * @param scalar the scalar of the metric's {@link MetricResult} the value is read from
 * @param column short leaderboard column label (at most 10 characters), or null when the field is in
 *     the summary only
 * @param rank position among the headlines of all metrics (ascending); orders the summary and the columns
 * @param direction which way is better, for readers and plots
 * @param format how the leaderboard and report table print the value
 */
public record Headline(String field, String metric, String scalar, String column, int rank, Direction direction,
        Format format) {
    /** Which way is better. */
    public enum Direction {
        /** Higher is better (forget quality, utility). */
        HIGHER_IS_BETTER,
        /** Lower is better (memorisation of the forget set). */
        LOWER_IS_BETTER,
        /** No fixed direction: compare with the retain model's value (e.g. an attack AUC). */
        CLOSER_TO_RETAIN
    }

    /** How a value is printed. */
    public enum Format {
        /** A p-value: {@code %.4f} down to 1e-3, scientific below ({@code %.2e}). */
        P_VALUE,
        /** A plain number: {@code %.3f} on the leaderboard ({@code %.2f} from 10 up), {@code %.4f} in tables. */
        DECIMAL;

        /** The leaderboard text of a value; {@code n/a} for NaN. */
        public String leaderboard(double v) {
            if (Double.isNaN(v)) {
                return "n/a";
            }
            if (this == P_VALUE) {
                return pValue(v);
            }
            return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.2f" : "%.3f", v);
        }

        /** The report-table text of a value. */
        public String table(double v) {
            if (this == P_VALUE) {
                return Double.isNaN(v) ? "n/a" : pValue(v);
            }
            return String.format(Locale.ROOT, "%.4f", v);
        }

        private static String pValue(double v) {
            return v >= 1e-3 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.2e", v);
        }
    }

    public Headline {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(scalar, "scalar");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(format, "format");
        if (!field.matches("[a-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("headline field must be snake case, got '" + field + "'");
        }
    }

    /** A summary field that is also a leaderboard column labelled {@code column}. */
    public static Headline column(String field, String metric, String scalar, String column, int rank, Direction direction,
            Format format) {
        return new Headline(field, metric, scalar, Objects.requireNonNull(column, "column"), rank, direction, format);
    }

    /** A summary field only (no leaderboard column). */
    public static Headline field(String field, String metric, String scalar, int rank, Direction direction) {
        return new Headline(field, metric, scalar, null, rank, direction, Format.DECIMAL);
    }

    /** Whether the value is a leaderboard column. */
    public boolean onLeaderboard() {
        return column != null;
    }

    /** The value of this headline among results; NaN when the metric did not run or lacks the scalar. */
    public double valueIn(java.util.Map<String, MetricResult> results) {
        MetricResult r = results.get(metric);
        return r == null ? Double.NaN : r.scalars().getOrDefault(scalar, Double.NaN);
    }
}

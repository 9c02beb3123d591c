package dev.unlearn.eval.leakage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The leakage table of one model: per attack the recovered-knowledge score of the model, of the
 * retain model, and their difference (model − retain); {@code leak} is the largest difference over
 * the attacks ({@code direct}, the unattacked probe, excluded).
 *
 * @param rows one row per attack, in run order
 * @param leak worst difference over attacks
 * @param wallSeconds time the suite took on this model (and the retain model, when not cached)
 */
public record LeakageReport(List<Row> rows, double leak, double wallSeconds) {
    /** One attack. */
    public record Row(String attack, String description, double model, double retain, Map<String, Double> modelDetails,
            Map<String, Double> retainDetails) {
        public double difference() {
            return model - retain;
        }
    }

    /** The suite's name. */
    public static final String SUITE = "leakage";
    /** The suite's summary field {@code leak}, also a leaderboard column (the suite runs outside the metric registry). */
    public static final dev.unlearn.eval.spi.Headline HEADLINE = dev.unlearn.eval.spi.Headline.column("leak", SUITE, "leak", "leak",
            1000, dev.unlearn.eval.spi.Headline.Direction.CLOSER_TO_RETAIN, dev.unlearn.eval.spi.Headline.Format.DECIMAL);

    public LeakageReport {
        rows = List.copyOf(rows);
    }

    /** Builds the report and its {@code leak} from rows. */
    public static LeakageReport of(List<Row> rows, double wallSeconds) {
        double leak = Double.NaN;
        for (Row r : rows) {
            double d = r.difference();
            if (!r.attack().equals("direct") && Double.isFinite(d) && !(d <= leak)) {
                leak = d;
            }
        }
        return new LeakageReport(rows, leak, wallSeconds);
    }

    /**
     * Flat summary keys: {@code leak}, and per attack {@code leak_<attack>} (model),
     * {@code leak_<attack>_retain} and {@code leak_<attack>_diff}, plus {@code leak_<attack>_<detail>}
     * and {@code leak_<attack>_retain_<detail>} for every detail.
     */
    public Map<String, Double> summary() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(HEADLINE.field(), leak);
        for (Row r : rows) {
            String k = "leak_" + r.attack();
            m.put(k, r.model());
            m.put(k + "_retain", r.retain());
            m.put(k + "_diff", r.difference());
            r.modelDetails().forEach((d, v) -> m.put(k + "_" + d, v));
            r.retainDetails().forEach((d, v) -> m.put(k + "_retain_" + d, v));
        }
        return m;
    }

    /** A fixed-width text table. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %8s %8s %8s  %s%n", "attack", "model", "retain", "diff", "details (model | retain)"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-16s %8.4f %8.4f %+8.4f  %s | %s%n", r.attack(), r.model(), r.retain(),
                    r.difference(), details(r.modelDetails()), details(r.retainDetails())));
        }
        sb.append(String.format(Locale.ROOT, "leak = %.4f (worst difference over attacks); %.1f s%n", leak, wallSeconds));
        return sb.toString();
    }

    private static String details(Map<String, Double> d) {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(d).forEach((k, v) -> {
            if (!k.startsWith("prefix_")) {
                sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(String.format(Locale.ROOT, "%.3f", v));
            }
        });
        return sb.toString();
    }
}

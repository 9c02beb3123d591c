package dev.unlearn.eval.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One small horizontal bar chart per headline metric, a bar per model, as inline SVG: the
 * reference model's value (the retain model) is a dashed line across the bars, so "how close to
 * the model that never saw the forget set" reads at a glance whichever way the metric points.
 * Linear metrics have bars from 0 (negative ones go left); a log metric (forget quality) has bars
 * from the floor of a log axis fitted to the data, with the significance level dotted.
 */
public final class BarChart {
    static final double WIDTH = 340;
    private static final double LABEL_W = 96;
    private static final double LEFT = LABEL_W + 8;
    private static final double RIGHT = WIDTH - 54;
    private static final double TOP = 30;
    private static final double ROW = 20;
    private static final int MAX_LABEL = 15;

    private BarChart() {}

    /** One bar: the model's name, its value (NaN: no bar, {@code n/a}) and its kind (for colour). */
    public record Bar(String label, double value, ParetoPlot.Kind kind) {}

    /**
     * The chart.
     *
     * @param metric the metric's name, the chart's title
     * @param bars one per model, in table order
     * @param log whether to use a log axis (positive values; 0 sits on the floor)
     * @param significance a level to draw dotted (NaN for none)
     */
    public static String svg(String metric, List<Bar> bars, boolean log, double significance) {
        double bottom = TOP + ROW * bars.size() + 4;
        double height = bottom + 22;
        List<Double> vals = new ArrayList<>();
        for (Bar b : bars) {
            vals.add(b.value());
        }
        if (!log) {
            vals.add(0.0);
        } else if (Double.isFinite(significance)) {
            vals.add(significance);
        }
        double[] v = vals.stream().mapToDouble(Double::doubleValue).toArray();
        Axis x = log ? Axis.log10(v, LEFT, RIGHT) : Axis.linear(v, LEFT, RIGHT, 3);
        Svg s = new Svg(WIDTH, height, "chart bars", metric + " by model");
        s.text(8, 17, "start", metric, "font-weight=\"bold\" class=\"bars-title\"");
        if (log) {
            s.text(WIDTH - 8, 17, "end", "log scale", "fill=\"#777\"");
        }
        s.group("axis axis-x" + (log ? " log" : ""));
        int labelled = 0;
        for (Axis.Tick t : x.ticks()) {
            if (!t.label().isEmpty() && t.major()) {
                labelled++;
            }
        }
        int every = Math.max(1, (int) Math.ceil(labelled / 4.0));
        int k = 0;
        for (Axis.Tick t : x.ticks()) {
            if (!t.major()) {
                continue;
            }
            double px = x.px(t.value());
            s.line(px, TOP - 4, px, bottom, "stroke=\"#eee\"");
            if (!t.label().isEmpty() && k++ % every == 0) {
                s.text(px, bottom + 14, "middle", t.label(), "class=\"tick\" fill=\"#555\"");
            }
        }
        s.end();
        double zero = log ? x.px(x.min()) : x.px(0);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = TOP + i * ROW;
            String name = b.label().length() > MAX_LABEL ? b.label().substring(0, MAX_LABEL - 1) + "…" : b.label();
            s.group("bar " + b.kind().name().toLowerCase(java.util.Locale.ROOT)).tooltip(b.label() + ": " + format(b.value(), log));
            s.text(LABEL_W, y + ROW * 0.62, "end", name, "");
            if (Double.isFinite(b.value())) {
                double end = x.px(b.value());
                double x0 = Math.min(zero, end);
                s.rect(x0, y + 3, Math.max(Math.abs(end - zero), 1), ROW - 6, "fill=\"" + colour(b.kind()) + "\"");
                String t = format(b.value(), log) + (log && x.clamped(b.value()) ? " (< " + Numbers.pValue(x.min()) + ")" : "");
                boolean right = end >= zero;
                double tx = right ? end + 3 : end - 3;
                if (!right && tx - Svg.textWidth(t, 10) < LEFT) {
                    right = true; // no room left of a long negative bar: write the value right of zero
                    tx = zero + 3;
                }
                s.text(tx, y + ROW * 0.62, right ? "start" : "end", t, "class=\"bar-value\" font-size=\"10\"");
            } else {
                s.text(zero + 3, y + ROW * 0.62, "start", "n/a", "class=\"bar-value\" fill=\"#777\" font-size=\"10\"");
            }
            s.end();
        }
        s.line(zero, TOP - 2, zero, bottom, "stroke=\"#444\"");
        for (Bar b : bars) {
            if (b.kind() == ParetoPlot.Kind.REFERENCE && Double.isFinite(b.value())) {
                double px = x.px(b.value());
                s.group("ref-line").line(px, TOP - 6, px, bottom, "stroke=\"#2ca02c\" stroke-dasharray=\"5 3\" stroke-width=\"1.5\"")
                        .tooltip(b.label() + " (reference): " + format(b.value(), log)).end();
            }
        }
        if (log && Double.isFinite(significance)) {
            double px = x.px(significance);
            s.group("sig-line").line(px, TOP - 6, px, bottom, "stroke=\"#9467bd\" stroke-dasharray=\"2 3\" stroke-width=\"1.5\"")
                    .tooltip("significance level " + Numbers.fixed(significance)).end();
        }
        return s.done();
    }

    private static String format(double v, boolean log) {
        return log ? Numbers.pValue(v) : Numbers.fixed(v);
    }

    private static String colour(ParetoPlot.Kind k) {
        return switch (k) {
            case REFERENCE -> "#2ca02c";
            case BASELINE -> "#d62728";
            case CANDIDATE -> "#1f77b4";
        };
    }
}

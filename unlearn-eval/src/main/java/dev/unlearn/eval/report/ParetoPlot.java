package dev.unlearn.eval.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Forget quality (log y) against model utility (x), one marker per model, as inline SVG.
 *
 * <ul>
 *   <li>the y axis covers the decades the data span (plus the significance level), so a run whose
 *       values lie in [1e-3, 1] is drawn over three decades; a forget quality of 0 (an underflowed
 *       p-value) is drawn as a downward triangle on the floor and its label says "&lt; floor";</li>
 *   <li>the {@link Kind#REFERENCE} model (the retain model) is drawn as two dashed reference lines,
 *       at its forget quality and at its utility, and the significance level as a dotted line;</li>
 *   <li>the Pareto front of the {@link Kind#CANDIDATE} models (higher is better on both axes) is
 *       drawn as a staircase with filled markers; dominated models have hollow markers;</li>
 *   <li>models on the same spot share one label; labels are placed clear of markers and of each
 *       other ({@link LabelPlacer}), with a leader line when they had to move away.</li>
 * </ul>
 */
public final class ParetoPlot {
    /** The usual significance level of the KS test behind forget quality. */
    public static final double SIGNIFICANCE = 0.05;

    static final double WIDTH = 720;
    static final double HEIGHT = 480;
    private static final double LEFT = 72;
    private static final double RIGHT = 700;
    private static final double TOP = 34;
    private static final double BOTTOM = 384;
    private static final double INSET = 10;
    private static final String FRONT = "#1f77b4";
    private static final String BASELINE = "#d62728";
    private static final String REFERENCE = "#2ca02c";
    private static final String SIG = "#9467bd";

    private ParetoPlot() {}

    /** How a model enters the plot. */
    public enum Kind {
        /** A model under comparison (an unlearned model): on the front or dominated. */
        CANDIDATE,
        /** A model shown for orientation only (the model before unlearning). */
        BASELINE,
        /** The model to match (the retain model): drawn with reference lines. */
        REFERENCE
    }

    /** One model: its name, model utility, forget quality and kind. */
    public record Point(String name, double utility, double forgetQuality, Kind kind) {
        boolean finite() {
            return Double.isFinite(utility) && Double.isFinite(forgetQuality);
        }
    }

    /**
     * The Pareto front of the candidates with finite values: those no other candidate beats on one
     * axis while matching it on the other; sorted by utility.
     */
    public static List<Point> front(List<Point> points) {
        List<Point> c = points.stream().filter(p -> p.kind() == Kind.CANDIDATE && p.finite()).toList();
        List<Point> out = new ArrayList<>();
        for (Point p : c) {
            boolean dominated = false;
            for (Point q : c) {
                if (q != p && q.utility() >= p.utility() && q.forgetQuality() >= p.forgetQuality()
                        && (q.utility() > p.utility() || q.forgetQuality() > p.forgetQuality())) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparingDouble(Point::utility).thenComparing(Point::name));
        return out;
    }

    /**
     * The chart.
     *
     * @param title the chart's title, drawn above it
     * @param points the models; those without finite values are listed under the chart, not drawn
     * @param significance the level drawn as a dotted line (e.g. {@link #SIGNIFICANCE}), NaN for none
     */
    public static String svg(String title, List<Point> points, double significance) {
        List<Point> drawn = points.stream().filter(Point::finite).toList();
        List<Point> front = front(points);
        double[] ux = new double[drawn.size()];
        double[] fy = new double[drawn.size() + 1];
        for (int i = 0; i < drawn.size(); i++) {
            ux[i] = drawn.get(i).utility();
            fy[i] = drawn.get(i).forgetQuality();
        }
        fy[drawn.size()] = Double.isFinite(significance) ? significance : Double.NaN;
        // axes end INSET inside the frame, so markers on an axis end do not sit on the frame
        Axis x = Axis.linear(padded(ux), LEFT + INSET, RIGHT - INSET);
        Axis y = Axis.log10(fy, BOTTOM - INSET, TOP + INSET);
        Svg s = new Svg(WIDTH, HEIGHT, "chart pareto", title);
        s.text(WIDTH / 2, 18, "middle", title, "font-size=\"14\" font-weight=\"bold\"");
        grid(s, x, y);
        LabelPlacer labels = new LabelPlacer(new LabelPlacer.Box(2, TOP - 14, WIDTH - 2, BOTTOM + 2));

        // reference lines first, so markers paint over them
        for (Point r : drawn) {
            if (r.kind() == Kind.REFERENCE) {
                double ry = y.px(r.forgetQuality());
                double rx = x.px(r.utility());
                s.group("ref-line ref-fq").line(LEFT, ry, RIGHT, ry, "stroke=\"" + REFERENCE + "\" stroke-dasharray=\"6 4\"")
                        .tooltip(r.name() + " forget quality " + fq(r.forgetQuality())).end();
                s.group("ref-line ref-mu").line(rx, TOP, rx, BOTTOM, "stroke=\"" + REFERENCE + "\" stroke-dasharray=\"6 4\"")
                        .tooltip(r.name() + " model utility " + num(r.utility())).end();
                String lbl = r.name() + " utility " + num(r.utility());
                double lw = Svg.textWidth(lbl, Svg.FONT);
                double lx = rx + 4 + lw > RIGHT ? rx - 4 - lw : rx + 4;
                s.text(lx, BOTTOM - 6, "start", lbl, "fill=\"" + REFERENCE + "\"");
                labels.block(new LabelPlacer.Box(lx, BOTTOM - 17, lx + lw, BOTTOM - 3));
            }
        }
        if (Double.isFinite(significance)) {
            double sy = y.px(significance);
            String lbl = "p = " + num(significance);
            s.group("sig-line").line(LEFT, sy, RIGHT, sy, "stroke=\"" + SIG + "\" stroke-dasharray=\"2 3\" stroke-width=\"1.5\"")
                    .tooltip("significance level " + num(significance) + ": below it the KS test tells the model from the retain model")
                    .end();
            s.text(RIGHT - 4, sy - 4, "end", lbl, "fill=\"" + SIG + "\"");
            double lw = Svg.textWidth(lbl, Svg.FONT);
            labels.block(new LabelPlacer.Box(RIGHT - 4 - lw, sy - 15, RIGHT - 4, sy - 2));
        }
        if (front.size() > 1) {
            List<Double> xy = new ArrayList<>();
            for (int i = 0; i < front.size(); i++) {
                Point p = front.get(i);
                if (i > 0) {
                    xy.add(x.px(p.utility()));
                    xy.add(y.px(front.get(i - 1).forgetQuality()));
                }
                xy.add(x.px(p.utility()));
                xy.add(y.px(p.forgetQuality()));
            }
            s.group("pareto-front").path(xy.stream().mapToDouble(Double::doubleValue).toArray(), false,
                    "fill=\"none\" stroke=\"" + FRONT + "\" stroke-width=\"2\" stroke-opacity=\"0.45\"").tooltip("Pareto front").end();
        }

        // markers, then one label per spot (models closer than a marker share it)
        List<List<Point>> spots = new ArrayList<>();
        for (Point p : drawn) {
            List<Point> spot = null;
            for (List<Point> sp : spots) {
                Point q = sp.get(0);
                if (Math.hypot(x.px(q.utility()) - x.px(p.utility()), y.px(q.forgetQuality()) - y.px(p.forgetQuality())) < 6) {
                    spot = sp;
                    break;
                }
            }
            if (spot == null) {
                spots.add(spot = new ArrayList<>());
            }
            spot.add(p);
        }
        for (Point p : drawn) {
            double px = x.px(p.utility());
            double py = y.px(p.forgetQuality());
            boolean below = y.clamped(p.forgetQuality());
            boolean onFront = front.contains(p);
            String cls = "marker " + kindClass(p.kind()) + (onFront ? " on-front" : "") + (below ? " below-axis" : "");
            s.group(cls).tooltip(p.name() + ": model utility " + num(p.utility()) + ", forget quality " + fq(p.forgetQuality()));
            marker(s, p.kind(), onFront, below, px, py);
            s.end();
            labels.block(new LabelPlacer.Box(px - 7, py - 7, px + 7, py + 7));
        }
        s.group("point-labels");
        for (List<Point> spot : spots) {
            Point p = spot.get(0);
            double px = x.px(p.utility());
            double py = y.px(p.forgetQuality());
            StringBuilder text = new StringBuilder();
            for (Point q : spot) {
                text.append(text.length() == 0 ? "" : ", ").append(q.name());
            }
            if (y.clamped(p.forgetQuality())) {
                text.append(" (FQ < ").append(fq(y.min())).append(')');
            }
            LabelPlacer.Placed pl = labels.place(px, py, text.toString());
            if (pl.leader()) {
                double cx = Math.max(pl.box().x0(), Math.min(px, pl.box().x1()));
                double cy = Math.max(pl.box().y0(), Math.min(py, pl.box().y1()));
                s.line(px, py, cx, cy, "stroke=\"#999\" stroke-width=\"0.8\"");
            }
            s.text(pl.x(), pl.y(), pl.anchor(), text.toString(), "class=\"point-label\"");
        }
        s.end();

        s.text((LEFT + RIGHT) / 2, BOTTOM + 36, "middle", "model utility (higher is better)", "");
        s.verticalText(16, (TOP + BOTTOM) / 2, "forget quality, KS p-value (log scale, higher is better)");
        legend(s, points);
        List<String> missing = points.stream().filter(p -> !p.finite()).map(Point::name).toList();
        if (!missing.isEmpty()) {
            s.text(LEFT, HEIGHT - 6, "start", "not drawn (no value): " + String.join(", ", missing), "fill=\"#666\"");
        }
        return s.done();
    }

    private static void grid(Svg s, Axis x, Axis y) {
        s.group("axis axis-x");
        for (Axis.Tick t : x.ticks()) {
            double px = x.px(t.value());
            s.line(px, TOP, px, BOTTOM, "stroke=\"#eee\"").line(px, BOTTOM, px, BOTTOM + 4, "stroke=\"#444\"");
            s.text(px, BOTTOM + 16, "middle", t.label(), "class=\"tick\"");
        }
        s.end();
        s.group("axis axis-y log");
        for (Axis.Tick t : y.ticks()) {
            double py = y.px(t.value());
            s.line(LEFT, py, RIGHT, py, t.major() ? "stroke=\"#ddd\"" : "stroke=\"#f3f3f3\"");
            s.line(LEFT - (t.major() ? 5 : 3), py, LEFT, py, "stroke=\"#444\"");
            if (!t.label().isEmpty()) {
                s.text(LEFT - 8, py + 4, "end", t.label(), "class=\"tick\"" + (t.major() ? "" : " fill=\"#777\""));
            }
        }
        s.end();
        s.rect(LEFT, TOP, RIGHT - LEFT, BOTTOM - TOP, "fill=\"none\" stroke=\"#444\"");
    }

    private static void marker(Svg s, Kind kind, boolean onFront, boolean below, double x, double y) {
        if (below) {
            String fill = kind == Kind.BASELINE ? BASELINE : kind == Kind.REFERENCE ? REFERENCE : FRONT;
            s.path(new double[] {x - 6, y - 9, x + 6, y - 9, x, y}, true, "fill=\"" + fill + "\" stroke=\"white\"");
            return;
        }
        switch (kind) {
            case REFERENCE -> s.path(new double[] {x, y - 8, x + 8, y, x, y + 8, x - 8, y}, true,
                    "fill=\"" + REFERENCE + "\" stroke=\"white\"");
            case BASELINE -> s.rect(x - 6, y - 6, 12, 12, "fill=\"" + BASELINE + "\" stroke=\"white\"");
            case CANDIDATE -> s.circle(x, y, onFront ? 6.5 : 5.5, onFront ? "fill=\"" + FRONT + "\" stroke=\"white\""
                    : "fill=\"white\" stroke=\"" + FRONT + "\" stroke-width=\"2\"");
        }
    }

    private static void legend(Svg s, List<Point> points) {
        double y = BOTTOM + 62;
        double x = LEFT;
        s.group("legend");
        x = legendItem(s, x, y, Kind.CANDIDATE, true, "on the Pareto front");
        x = legendItem(s, x, y, Kind.CANDIDATE, false, "dominated");
        if (points.stream().anyMatch(p -> p.kind() == Kind.BASELINE)) {
            x = legendItem(s, x, y, Kind.BASELINE, false, "before unlearning");
        }
        for (Point r : points) {
            if (r.kind() == Kind.REFERENCE) {
                s.line(x, y, x + 22, y, "stroke=\"" + REFERENCE + "\" stroke-dasharray=\"6 4\"");
                String t = r.name() + " (reference)";
                s.text(x + 27, y + 4, "start", t, "");
                x += 40 + Svg.textWidth(t, Svg.FONT);
            }
        }
        s.line(x, y, x + 22, y, "stroke=\"" + SIG + "\" stroke-dasharray=\"2 3\" stroke-width=\"1.5\"");
        s.text(x + 27, y + 4, "start", "significance level", "");
        s.end();
    }

    private static double legendItem(Svg s, double x, double y, Kind kind, boolean onFront, String text) {
        marker(s, kind, onFront, false, x + 6, y);
        s.text(x + 17, y + 4, "start", text, "");
        return x + 32 + Svg.textWidth(text, Svg.FONT);
    }

    private static double[] padded(double[] v) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        if (min > max) {
            return v;
        }
        double pad = Math.max((max - min) * 0.08, 0.02);
        // padding never takes a non-negative axis below zero
        return new double[] {min >= 0 ? Math.max(0, min - pad) : min - pad, max + pad};
    }

    private static String kindClass(Kind k) {
        return k.name().toLowerCase(Locale.ROOT);
    }

    static String num(double v) {
        return Numbers.fixed(v);
    }

    static String fq(double v) {
        return Numbers.pValue(v);
    }
}

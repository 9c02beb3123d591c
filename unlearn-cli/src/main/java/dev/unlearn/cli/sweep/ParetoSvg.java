package dev.unlearn.cli.sweep;

import dev.unlearn.eval.report.ParetoPlot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sweep's Pareto plot as a self-contained SVG: model utility (x) against forget quality (y, log
 * scale, since it is a p-value), one colour per run label, the non-dominated front over the two, the
 * utility constraint as a dashed line, and the full and retain models as black marks. Each point's
 * tooltip names its setting.
 */
public final class ParetoSvg {
    static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"};
    static final int W = 720;
    static final int H = 460;
    static final int L = 70;
    static final int R = 170;
    static final int T = 30;
    static final int B = 50;

    private ParetoSvg() {}

    record Pt(double mu, double fq, String label, String tip, boolean feasible) {}

    static String render(Plan plan, List<SweepReport.Row> rows, List<SweepReport.TrialState> states) {
        List<Pt> pts = new ArrayList<>();
        for (SweepReport.Row r : rows) {
            Double mu = r.metrics().get("model_utility");
            Double fq = r.metrics().get("forget_quality");
            if (mu != null && fq != null && !mu.isNaN() && !fq.isNaN()) {
                pts.add(new Pt(mu, fq, r.label(), String.format(Locale.ROOT, "#%d %s %s %s: forget_quality %s, model_utility %.4f",
                        r.rank(), r.label(), r.forget(), r.params(), SweepReport.fmt("forget_quality", fq), mu), r.feasible()));
            }
        }
        Map<String, Double> full = rows.isEmpty() ? Map.of() : rows.get(0).full();
        // each forget set has its own retain model: one mark per distinct one
        Map<String, Map<String, Double>> retains = SweepReport.references(states, SweepReport.TrialState::retain);
        double minFq = 1e-4;
        for (Pt p : pts) {
            if (p.fq() > 0) {
                minFq = Math.min(minFq, p.fq());
            }
        }
        if (full.get("forget_quality") != null && full.get("forget_quality") > 0) {
            minFq = Math.min(minFq, full.get("forget_quality"));
        }
        double lo = Math.pow(10, Math.floor(Math.log10(minFq)));
        double muLo = 0;
        double muHi = 1;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n", W, H, W, H));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        int pw = W - L - R;
        int ph = H - T - B;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
                L, T, pw, ph));
        // axes
        for (int i = 0; i <= 10; i += 2) {
            double v = muLo + (muHi - muLo) * i / 10.0;
            double x = xOf(v, muLo, muHi);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>%n", x, T, x, T + ph, x, T + ph + 16, v));
        }
        for (double v = lo; v <= 1.0001; v *= 10) {
            double y = yOf(v, lo);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", L, y, L + pw, y, L - 6, y + 4,
                    v >= 0.01 ? String.format(Locale.ROOT, "%.2g", v) : String.format(Locale.ROOT, "1e%d", Math.round(Math.log10(v)))));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">model utility</text>%n",
                L + pw / 2, H - 10));
        s.append(String.format(Locale.ROOT, "<text transform=\"translate(16,%d) rotate(-90)\" text-anchor=\"middle\">"
                + "forget quality (log)</text>%n", T + ph / 2));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-weight=\"bold\">%s</text>%n", L,
                esc("sweep " + plan.name() + ": " + pts.size() + " settings")));
        // constraints on utility
        for (Objective.Constraint c : plan.objective().constraints()) {
            if (c.metric().equals("model_utility")) {
                double t = c.threshold(full);
                if (!Double.isNaN(t) && t >= muLo && t <= muHi) {
                    double x = xOf(t, muLo, muHi);
                    s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\""
                            + " stroke-dasharray=\"5,4\"/><text x=\"%.1f\" y=\"%d\" fill=\"#c00\" text-anchor=\"end\">%s</text>%n",
                            x, T, x, T + ph, x - 4, T + 14, esc(c.describe(full))));
                }
            }
        }
        // the front: non-dominated in (utility, forget quality), both maximised, as the run report defines it
        List<ParetoPlot.Point> candidates = new ArrayList<>();
        for (int i = 0; i < pts.size(); i++) {
            candidates.add(new ParetoPlot.Point(Integer.toString(i), pts.get(i).mu(), pts.get(i).fq(), ParetoPlot.Kind.CANDIDATE));
        }
        List<Pt> front = new ArrayList<>();
        ParetoPlot.front(candidates).forEach(c -> front.add(0, pts.get(Integer.parseInt(c.name())))); // highest utility first
        if (front.size() > 1) {
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < front.size(); i++) {
                Pt p = front.get(i);
                double x = xOf(p.mu(), muLo, muHi);
                double y = yOf(Math.max(p.fq(), lo), lo);
                if (i == 0) {
                    path.append(String.format(Locale.ROOT, "M%.1f,%.1f", x, y));
                } else {
                    double py = yOf(Math.max(front.get(i - 1).fq(), lo), lo);
                    path.append(String.format(Locale.ROOT, " L%.1f,%.1f L%.1f,%.1f", x, py, x, y));
                }
            }
            s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\"/>\n");
        }
        Map<String, String> color = new LinkedHashMap<>();
        for (String label : plan.labels()) {
            color.put(label, COLORS[color.size() % COLORS.length]);
        }
        for (Pt p : pts) {
            double x = xOf(Math.max(muLo, Math.min(muHi, p.mu())), muLo, muHi);
            double y = yOf(Math.max(p.fq(), lo), lo);
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\" fill-opacity=\"%s\""
                    + " stroke=\"%s\"><title>%s</title></circle>%n", x, y, front.contains(p) ? 5 : 4,
                    color.getOrDefault(p.label(), "#000"), p.feasible() ? "0.85" : "0.3", front.contains(p) ? "#000" : "none",
                    esc(p.tip())));
        }
        List<Object[]> refs = new ArrayList<>();
        refs.add(new Object[] {"full", full});
        retains.forEach((f, m) -> refs.add(new Object[] {f.isEmpty() ? "retain" : "retain " + f, m}));
        for (Object[] ref : refs) {
            @SuppressWarnings("unchecked")
            Map<String, Double> m = (Map<String, Double>) ref[1];
            Double mu = m.get("model_utility");
            Double fq = m.get("forget_quality");
            if (mu != null && fq != null) {
                double x = xOf(mu, muLo, muHi);
                double y = yOf(Math.max(fq, lo), lo);
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"black\">"
                        + "<title>%s model: forget_quality %s, model_utility %.4f</title></rect>"
                        + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", x - 4, y - 4, ref[0],
                        SweepReport.fmt("forget_quality", fq), mu, x - 7, y + 4, ref[0]));
            }
        }
        int ly = T + 10;
        for (Map.Entry<String, String> e : color.entrySet()) {
            s.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    L + pw + 16, ly, e.getValue(), L + pw + 26, ly + 4, esc(e.getKey())));
            ly += 18;
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">faded: misses the</text>"
                + "<text x=\"%d\" y=\"%d\" fill=\"#555\">constraints; ringed:</text><text x=\"%d\" y=\"%d\" fill=\"#555\">"
                + "Pareto front</text>%n", L + pw + 12, ly + 10, L + pw + 12, ly + 24, L + pw + 12, ly + 38));
        s.append("</svg>\n");
        return s.toString();
    }

    private static double xOf(double mu, double lo, double hi) {
        return L + (W - L - R) * (mu - lo) / (hi - lo);
    }

    private static double yOf(double fq, double lo) {
        double a = Math.log10(lo);
        return T + (H - T - B) * (0 - Math.log10(fq)) / (0 - a);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

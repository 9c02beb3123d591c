package dev.unlearn.cli.pipeline;

import dev.unlearn.eval.report.BarChart;
import dev.unlearn.eval.report.ForgetQualityResolution;
import dev.unlearn.eval.report.Numbers;
import dev.unlearn.eval.report.ParetoPlot;
import dev.unlearn.eval.report.ReportStyle;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The run's {@code report.html}: the table of the run's columns, the forget quality vs model
 * utility Pareto plot (TOFU runs), one small bar chart per column, the leakage chart, and the note
 * on forget quality's resolution. Charts are inline SVG, so the page is one self-contained file.
 * Reads only the rows and the column names it is given; what the columns are is {@link RunReport}'s.
 */
final class RunReportPage {
    /** Column drawn on a log scale (and as the y axis of the Pareto plot). */
    static final String FORGET_QUALITY = dev.unlearn.eval.tofu.ForgetQualityMetric.FIELD;
    /** Column on the x axis of the Pareto plot. */
    static final String MODEL_UTILITY = dev.unlearn.eval.tofu.ModelUtilityMetric.FIELD;

    private RunReportPage() {}

    /** How a row's role enters the charts: the retain model is the reference, the full model a baseline. */
    static ParetoPlot.Kind kind(String role) {
        return switch (role) {
            case "retain" -> ParetoPlot.Kind.REFERENCE;
            case "full" -> ParetoPlot.Kind.BASELINE;
            default -> ParetoPlot.Kind.CANDIDATE;
        };
    }

    /** The Pareto plot of the rows, or null when no row has both columns. */
    static String paretoSvg(List<RunPipeline.ModelRow> rows) {
        List<ParetoPlot.Point> pts = points(rows);
        if (pts.stream().noneMatch(p -> Double.isFinite(p.forgetQuality()) && Double.isFinite(p.utility()))) {
            return null;
        }
        return ParetoPlot.svg("Forget quality vs model utility", pts, ParetoPlot.SIGNIFICANCE);
    }

    private static List<ParetoPlot.Point> points(List<RunPipeline.ModelRow> rows) {
        List<ParetoPlot.Point> pts = new ArrayList<>();
        for (RunPipeline.ModelRow r : rows) {
            pts.add(new ParetoPlot.Point(r.name(), r.summary().value(MODEL_UTILITY),
                    r.summary().value(FORGET_QUALITY), kind(r.role())));
        }
        return pts;
    }

    static String render(String title, List<RunPipeline.ModelRow> rows, List<String> cols, boolean muse, String pareto, byte[] leak,
            Optional<ForgetQualityResolution> resolution) {
        List<String> front = ParetoPlot.front(points(rows)).stream().map(ParetoPlot.Point::name).toList();
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").append(esc(title))
                .append("</title><style>").append(ReportStyle.CSS).append("</style></head><body>")
                .append("<h1>").append(esc(title)).append("</h1>")
                .append(muse ? "<p>MUSE metrics (percent): VerbMem = ROUGE-L F1 of greedy continuations of forget prefixes"
                        + " (lower = less verbatim memory); KnowMem on forget QA (lower) and on retain QA (utility, higher);"
                        + " PrivLeak = relative Min-40% AUC gap to the retain model (0 is ideal, negative = under-unlearned)."
                        : "<p>Forget quality: KS-test p-value of forget truth ratios against the retain-only model (higher is"
                        + " better, 1.0 = indistinguishable). Model utility: harmonic mean of the nine TOFU utility values.")
                .append(" leak: the worst difference over the leakage attacks of recovered knowledge, model minus retain model"
                        + " (0 or below: the attacks get out no more than from a model that never saw the data).</p>");
        table(sb, rows, cols, front);
        if (pareto != null) {
            sb.append("<h2>Forget quality vs model utility</h2>")
                    .append("<p>Up and right is better. The retain model, which never saw the forget set, is the target: its forget")
                    .append(" quality and utility are the dashed lines. Below the dotted line (p = ")
                    .append(Numbers.fixed(ParetoPlot.SIGNIFICANCE))
                    .append(") the KS test tells a model's forget truth ratios from the retain model's. Filled markers joined by the")
                    .append(" staircase are the Pareto front of the unlearned models: none of the others is at least as good on both")
                    .append(" axes and better on one.")
                    .append(front.isEmpty() ? "" : " Front: " + esc(String.join(", ", front)) + ".").append("</p>")
                    .append("<figure class=\"pareto\">").append(pareto).append("</figure>");
        }
        resolution.ifPresent(r -> sb.append("<p class=\"note fq-resolution\">").append(esc(r.note(ParetoPlot.SIGNIFICANCE))).append("</p>"));
        bars(sb, rows, cols);
        if (leak != null) {
            sb.append("<h2>Leakage attacks</h2><p>Per attack, recovered knowledge of the model minus that of the retain model"
                    + " (tables: <code>eval/NAME/leakage.txt</code>).</p><img alt=\"leakage differences\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(leak)).append("\">");
        }
        sb.append("<h2>Per-model pages</h2><ul class=\"model-pages\">");
        for (RunPipeline.ModelRow r : rows) {
            sb.append("<li><a href=\"../eval/").append(esc(r.name())).append("/report.html\">").append(esc(r.name())).append("</a> (")
                    .append(esc(r.role())).append(r.method() == null ? "" : ", " + esc(r.method())).append(")</li>");
        }
        sb.append("</ul></body></html>");
        return sb.toString();
    }

    private static void table(StringBuilder sb, List<RunPipeline.ModelRow> rows, List<String> cols, List<String> front) {
        sb.append("<div class=\"table-scroll\"><table class=\"leaderboard\"><thead><tr><th>model</th><th>role</th><th>method</th>");
        for (String c : cols) {
            // underscores become breaks, so headers wrap instead of widening the table; the tooltip keeps the key
            sb.append("<th title=\"").append(esc(c)).append("\">").append(esc(c).replace("_", "_<wbr>")).append("</th>");
        }
        sb.append("<th title=\"wall_seconds\">wall_<wbr>seconds</th></tr></thead><tbody>");
        for (RunPipeline.ModelRow r : rows) {
            boolean onFront = front.contains(r.name());
            sb.append("<tr class=\"role-").append(esc(r.role())).append("\"><td class=\"t\"><a href=\"../eval/").append(esc(r.name()))
                    .append("/report.html\">").append(esc(r.name())).append("</a>")
                    .append(onFront ? " <span class=\"front\" title=\"on the Pareto front\">&#9679;</span>" : "")
                    .append("</td><td class=\"t\">").append(esc(r.role())).append("</td><td class=\"t\">")
                    .append(r.method() == null ? "" : esc(r.method())).append("</td>");
            for (String c : cols) {
                double v = r.summary().value(c);
                sb.append("<td class=\"n\">").append(c.equals(FORGET_QUALITY) ? Numbers.pValue(v) : Numbers.fixed(v)).append("</td>");
            }
            sb.append(String.format(Locale.ROOT, "<td class=\"n\">%.1f</td></tr>", r.wallSeconds()));
        }
        sb.append("</tbody></table></div>");
    }

    private static void bars(StringBuilder sb, List<RunPipeline.ModelRow> rows, List<String> cols) {
        StringBuilder charts = new StringBuilder();
        for (String c : cols) {
            List<BarChart.Bar> bars = new ArrayList<>();
            boolean any = false;
            for (RunPipeline.ModelRow r : rows) {
                double v = r.summary().value(c);
                any |= Double.isFinite(v);
                bars.add(new BarChart.Bar(r.name(), v, kind(r.role())));
            }
            if (any) {
                boolean log = c.equals(FORGET_QUALITY);
                charts.append(BarChart.svg(c, bars, log, log ? ParetoPlot.SIGNIFICANCE : Double.NaN));
            }
        }
        if (charts.length() > 0) {
            sb.append("<h2>Metrics by model</h2><p>One chart per column of the table; the dashed green line is the retain model's")
                    .append(" value, the one to match. Red: the model before unlearning.</p><div class=\"bars-grid\">").append(charts)
                    .append("</div>");
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

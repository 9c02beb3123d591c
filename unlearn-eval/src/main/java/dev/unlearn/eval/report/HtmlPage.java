package dev.unlearn.eval.report;

import dev.unlearn.eval.spi.MetricResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders {@code index.html}: summary table, metric tables and the charts as {@code <img>} beside it. */
final class HtmlPage {
    private HtmlPage() {}

    static String render(EvaluationReport r, List<ReportWriter.Plot> plots) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(r.title()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
                        + "table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
                        + "td.n{text-align:right;font-family:monospace}img{max-width:100%;border:1px solid #eee;margin:0.5em 0}</style>"
                        + "</head><body>\n");
        sb.append("<h1>").append(esc(r.title())).append("</h1>\n<p>Created ").append(esc(r.created().toString()))
                .append(". Data: <a href=\"report.json\">report.json</a>.</p>\n");
        if (!r.metadata().isEmpty()) {
            sb.append("<table>");
            r.metadata().forEach((k, v) -> sb.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>"));
            sb.append("</table>\n");
        }
        Map<String, Double> summary = ReportWriter.tofuSummary(r);
        if (!summary.isEmpty()) {
            sb.append("<h2>TOFU summary</h2>\n");
            table(sb, summary);
        }
        for (ReportWriter.Plot p : plots) {
            sb.append("<h2>").append(esc(p.title())).append("</h2>\n<img src=\"").append(esc(p.file())).append("\" alt=\"")
                    .append(esc(p.title())).append("\">\n");
        }
        sb.append("<h2>All metrics</h2>\n");
        for (MetricResult m : r.results().values()) {
            sb.append("<h3>").append(esc(m.metric())).append("</h3>\n");
            table(sb, m.scalars());
        }
        return sb.append("</body></html>\n").toString();
    }

    private static void table(StringBuilder sb, Map<String, Double> values) {
        sb.append("<table>");
        values.forEach((k, v) -> sb.append("<tr><th>").append(esc(k)).append("</th><td class=\"n\">")
                .append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "n/a").append("</td></tr>"));
        sb.append("</table>\n");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

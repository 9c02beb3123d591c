package dev.unlearn.eval.report;

import dev.unlearn.eval.spi.MetricResult;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@code index.html}: metadata, the TOFU summary with the note on forget quality's
 * resolution, the charts (PNG as {@code <img>}, SVG inline) and one table per metric.
 */
final class HtmlPage {
    private HtmlPage() {}

    static String render(EvaluationReport r, Map<ReportWriter.Plot, byte[]> charts) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").append(esc(r.title()))
                .append("</title>\n<style>").append(ReportStyle.CSS).append("</style></head><body>\n");
        sb.append("<h1>").append(esc(r.title())).append("</h1>\n<p>Created ").append(esc(r.created().toString()))
                .append(". Data: <a href=\"report.json\">report.json</a>.</p>\n");
        if (!r.metadata().isEmpty()) {
            sb.append("<div class=\"table-scroll\"><table class=\"kv\">");
            r.metadata().forEach((k, v) -> sb.append("<tr><th>").append(esc(k)).append("</th><td class=\"t\">").append(esc(v)).append("</td></tr>"));
            sb.append("</table></div>\n");
        }
        Map<String, Double> summary = ReportWriter.tofuSummary(r);
        if (!summary.isEmpty()) {
            sb.append("<h2>TOFU summary</h2>\n");
            table(sb, summary);
        }
        ForgetQualityResolution.of(r).ifPresent(res ->
                sb.append("<p class=\"note fq-resolution\">").append(esc(res.note(ParetoPlot.SIGNIFICANCE))).append("</p>\n"));
        for (Map.Entry<ReportWriter.Plot, byte[]> e : charts.entrySet()) {
            ReportWriter.Plot p = e.getKey();
            sb.append("<h2>").append(esc(p.title())).append("</h2>\n");
            if (p.file().endsWith(".svg")) {
                sb.append("<figure data-file=\"").append(esc(p.file())).append("\">").append(new String(e.getValue(), StandardCharsets.UTF_8))
                        .append("</figure>\n");
            } else {
                sb.append("<img src=\"").append(esc(p.file())).append("\" alt=\"").append(esc(p.title())).append("\">\n");
            }
        }
        sb.append("<h2>All metrics</h2>\n");
        for (MetricResult m : r.results().values()) {
            sb.append("<h3>").append(esc(m.metric())).append("</h3>\n");
            table(sb, m.scalars());
        }
        return sb.append("</body></html>\n").toString();
    }

    private static void table(StringBuilder sb, Map<String, Double> values) {
        sb.append("<div class=\"table-scroll\"><table class=\"kv\">");
        values.forEach((k, v) -> sb.append("<tr><th>").append(esc(k)).append("</th><td class=\"n\">")
                .append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "n/a").append("</td></tr>"));
        sb.append("</table></div>\n");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

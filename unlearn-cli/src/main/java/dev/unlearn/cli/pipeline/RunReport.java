package dev.unlearn.cli.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.Version;
import dev.unlearn.eval.report.Plots;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run-level report: {@code report.json} (a {@code models} list, one entry per evaluated model)
 * and {@code report.html} (one table and the forget quality vs model utility plot), plus a plain-text
 * leaderboard for the terminal.
 */
public final class RunReport {
    /** The columns every model entry carries, in table order. */
    public static final List<String> COLUMNS = List.of("forget_quality", "model_utility", "forget_truth_ratio",
            "forget_rougeL_recall", "retain_rougeL_recall", "mia_auc_loss", "cka_to_retain_mean");

    private RunReport() {}

    static void write(Path dir, String title, List<RunPipeline.ModelRow> rows) throws IOException {
        ObjectNode root = RunPipeline.JSON.createObjectNode();
        root.put("title", title);
        root.put("created", Instant.now().toString());
        root.put("tool_version", Version.tool());
        ArrayNode models = root.putArray("models");
        List<Plots.ModelPoint> points = new ArrayList<>();
        for (RunPipeline.ModelRow r : rows) {
            ObjectNode m = models.addObject();
            m.put("name", r.name());
            m.put("role", r.role());
            if (r.method() != null) {
                m.put("method", r.method());
            }
            for (String c : COLUMNS) {
                m.put(c, number(r.metrics().get(c)));
            }
            m.put("wall_seconds", r.wallSeconds());
            ObjectNode all = m.putObject("metrics");
            r.metrics().forEach((k, v) -> all.set(k, RunPipeline.JSON.valueToTree(v)));
            points.add(new Plots.ModelPoint(r.name(), number(r.metrics().get("forget_quality")),
                    number(r.metrics().get("model_utility"))));
        }
        RunPipeline.JSON.writeValue(dir.resolve("report.json").toFile(), root);
        byte[] png = Plots.forgetQualityVsUtility(points);
        Files.write(dir.resolve("fq_vs_mu.png"), png);
        Files.writeString(dir.resolve("report.html"), html(title, rows, png), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("leaderboard.txt"), leaderboard(rows), StandardCharsets.UTF_8);
    }

    /** A fixed-width leaderboard: one line per model. */
    public static String leaderboard(List<RunPipeline.ModelRow> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-14s %-9s %10s %8s %8s %8s %8s %8s %8s %7s%n", "model", "role", "forget_q",
                "utility", "truth_r", "f_rouge", "r_rouge", "mia_auc", "cka_ret", "secs"));
        for (RunPipeline.ModelRow r : rows) {
            Map<String, Object> m = r.metrics();
            sb.append(String.format(Locale.ROOT, "%-14s %-9s %10s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %7.1f%n", r.name(),
                    r.role(), fq(number(m.get("forget_quality"))), number(m.get("model_utility")),
                    number(m.get("forget_truth_ratio")), number(m.get("forget_rougeL_recall")),
                    number(m.get("retain_rougeL_recall")), number(m.get("mia_auc_loss")),
                    number(m.get("cka_to_retain_mean")), r.wallSeconds()));
        }
        return sb.toString();
    }

    private static String fq(double v) {
        return Double.isNaN(v) ? "n/a" : v >= 1e-3 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.2e", v);
    }

    static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String html(String title, List<RunPipeline.ModelRow> rows, byte[] png) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}"
                        + "td:first-child,td:nth-child(2),td:nth-child(3){text-align:left}</style></head><body>")
                .append("<h1>").append(esc(title)).append("</h1>")
                .append("<p>Forget quality: KS-test p-value of forget truth ratios against the retain-only model (higher is"
                        + " better, 1.0 = indistinguishable). Model utility: harmonic mean of the nine TOFU utility values."
                        + " Per-model pages: <code>eval/NAME/report.html</code>.</p><table><tr><th>model</th><th>role</th>"
                        + "<th>method</th>");
        for (String c : COLUMNS) {
            sb.append("<th>").append(c).append("</th>");
        }
        sb.append("<th>wall_seconds</th></tr>");
        for (RunPipeline.ModelRow r : rows) {
            sb.append("<tr><td><a href=\"../eval/").append(esc(r.name())).append("/report.html\">").append(esc(r.name()))
                    .append("</a></td><td>").append(r.role()).append("</td><td>")
                    .append(r.method() == null ? "" : esc(r.method())).append("</td>");
            for (String c : COLUMNS) {
                double v = number(r.metrics().get(c));
                sb.append("<td>").append(c.equals("forget_quality") ? fq(v) : String.format(Locale.ROOT, "%.4f", v)).append("</td>");
            }
            sb.append(String.format(Locale.ROOT, "<td>%.1f</td></tr>", r.wallSeconds()));
        }
        sb.append("</table><h2>Forget quality vs model utility</h2><img alt=\"forget quality vs model utility\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\"></body></html>");
        return sb.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Prints the leaderboard and the report's path. */
    public static void print(PrintWriter out, RunPipeline.Result r) {
        out.print(leaderboard(r.models()));
        out.println("report: " + r.reportHtml().toAbsolutePath());
        out.flush();
    }
}

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
            "forget_rougeL_recall", "retain_rougeL_recall", "mia_auc_loss", "cka_to_retain_mean", "leak");
    /** The columns of a MUSE run (MUSE's table: VerbMem and KnowMem on D_f, PrivLeak, KnowMem on D_r), in table order. */
    public static final List<String> MUSE_COLUMNS = List.of("verbmem_f", "knowmem_f", "privleak", "knowmem_r", "leak");

    /** The columns of these rows: MUSE's when any row has {@code verbmem_f}, else TOFU's. */
    static List<String> columns(List<RunPipeline.ModelRow> rows) {
        for (RunPipeline.ModelRow r : rows) {
            if (r.metrics().containsKey("verbmem_f")) {
                return MUSE_COLUMNS;
            }
        }
        return COLUMNS;
    }

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
            for (String c : columns(rows)) {
                m.put(c, number(r.metrics().get(c)));
            }
            m.put("wall_seconds", r.wallSeconds());
            ObjectNode all = m.putObject("metrics");
            r.metrics().forEach((k, v) -> all.set(k, RunPipeline.JSON.valueToTree(v)));
            points.add(new Plots.ModelPoint(r.name(), number(r.metrics().get("forget_quality")),
                    number(r.metrics().get("model_utility"))));
        }
        RunPipeline.JSON.writeValue(dir.resolve("report.json").toFile(), root);
        boolean muse = columns(rows) == MUSE_COLUMNS;
        byte[] png = muse ? null : Plots.forgetQualityVsUtility(points);
        if (png != null) {
            Files.write(dir.resolve("fq_vs_mu.png"), png);
        }
        byte[] leak = leakagePlot(rows);
        if (leak != null) {
            Files.write(dir.resolve("leakage.png"), leak);
        }
        Files.writeString(dir.resolve("report.html"), html(title, rows, png, leak), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("leaderboard.txt"), leaderboard(rows), StandardCharsets.UTF_8);
    }

    /** A fixed-width leaderboard: one line per model, the run's columns (TOFU's or MUSE's) and wall seconds. */
    public static String leaderboard(List<RunPipeline.ModelRow> rows) {
        List<String> cols = columns(rows);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-14s %-9s", "model", "role"));
        for (String c : cols) {
            sb.append(String.format(Locale.ROOT, " %10s", SHORT.getOrDefault(c, c)));
        }
        sb.append(String.format(Locale.ROOT, " %7s%n", "secs"));
        for (RunPipeline.ModelRow r : rows) {
            sb.append(String.format(Locale.ROOT, "%-14s %-9s", r.name(), r.role()));
            for (String c : cols) {
                double v = number(r.metrics().get(c));
                sb.append(String.format(Locale.ROOT, " %10s", c.equals("forget_quality") ? fq(v)
                        : Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.2f" : "%.3f", v)));
            }
            sb.append(String.format(Locale.ROOT, " %7.1f%n", r.wallSeconds()));
        }
        return sb.toString();
    }

    private static final Map<String, String> SHORT = Map.ofEntries(Map.entry("forget_quality", "forget_q"),
            Map.entry("model_utility", "utility"), Map.entry("forget_truth_ratio", "truth_r"),
            Map.entry("forget_rougeL_recall", "f_rouge"), Map.entry("retain_rougeL_recall", "r_rouge"),
            Map.entry("mia_auc_loss", "mia_auc"), Map.entry("cka_to_retain_mean", "cka_ret"));

    /** Bar chart of each model's leakage differences per attack, or null when no row ran the suite. */
    private static byte[] leakagePlot(List<RunPipeline.ModelRow> rows) {
        List<String> attacks = new ArrayList<>();
        Map<String, Map<String, Double>> diffs = new java.util.LinkedHashMap<>();
        for (RunPipeline.ModelRow r : rows) {
            if (!(r.metrics().get("leak") instanceof Number) || "retain".equals(r.role())) {
                continue;
            }
            Map<String, Double> d = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, Object> e : r.metrics().entrySet()) {
                String k = e.getKey();
                if (k.startsWith("leak_") && k.endsWith("_diff") && e.getValue() instanceof Number n) {
                    String a = k.substring(5, k.length() - 5);
                    if (a.equals("direct")) {
                        continue;
                    }
                    if (!attacks.contains(a)) {
                        attacks.add(a);
                    }
                    d.put(a, n.doubleValue());
                }
            }
            diffs.put(r.name(), d);
        }
        return diffs.isEmpty() ? null : dev.unlearn.eval.leakage.LeakagePlot.differences(attacks, diffs);
    }

    private static String fq(double v) {
        return Double.isNaN(v) ? "n/a" : v >= 1e-3 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.2e", v);
    }

    static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String html(String title, List<RunPipeline.ModelRow> rows, byte[] png, byte[] leak) {
        List<String> cols = columns(rows);
        boolean muse = cols == MUSE_COLUMNS;
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}"
                        + "td:first-child,td:nth-child(2),td:nth-child(3){text-align:left}</style></head><body>")
                .append("<h1>").append(esc(title)).append("</h1>")
                .append(muse ? "<p>MUSE metrics (percent): VerbMem = ROUGE-L F1 of greedy continuations of forget prefixes"
                        + " (lower = less verbatim memory); KnowMem on forget QA (lower) and on retain QA (utility, higher);"
                        + " PrivLeak = relative Min-40% AUC gap to the retain model (0 is ideal, negative = under-unlearned)."
                        : "<p>Forget quality: KS-test p-value of forget truth ratios against the retain-only model (higher is"
                        + " better, 1.0 = indistinguishable). Model utility: harmonic mean of the nine TOFU utility values.")
                .append(" leak: the worst difference over the leakage attacks of recovered knowledge, model minus retain model"
                        + " (0 or below: the attacks get out no more than from a model that never saw the data).")
                .append(" Per-model pages: <code>eval/NAME/report.html</code>.</p><table><tr><th>model</th><th>role</th>"
                        + "<th>method</th>");
        for (String c : cols) {
            sb.append("<th>").append(c).append("</th>");
        }
        sb.append("<th>wall_seconds</th></tr>");
        for (RunPipeline.ModelRow r : rows) {
            sb.append("<tr><td><a href=\"../eval/").append(esc(r.name())).append("/report.html\">").append(esc(r.name()))
                    .append("</a></td><td>").append(r.role()).append("</td><td>")
                    .append(r.method() == null ? "" : esc(r.method())).append("</td>");
            for (String c : cols) {
                double v = number(r.metrics().get(c));
                sb.append("<td>").append(c.equals("forget_quality") ? fq(v) : String.format(Locale.ROOT, "%.4f", v)).append("</td>");
            }
            sb.append(String.format(Locale.ROOT, "<td>%.1f</td></tr>", r.wallSeconds()));
        }
        sb.append("</table>");
        if (png != null) {
            sb.append("<h2>Forget quality vs model utility</h2><img alt=\"forget quality vs model utility\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png)).append("\">");
        }
        if (leak != null) {
            sb.append("<h2>Leakage attacks</h2><p>Per attack, recovered knowledge of the model minus that of the retain model"
                    + " (tables: <code>eval/NAME/leakage.txt</code>).</p><img alt=\"leakage differences\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(leak)).append("\">");
        }
        sb.append("</body></html>");
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

package dev.unlearn.cli.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.Version;
import dev.unlearn.eval.leakage.LeakageReport;
import dev.unlearn.eval.model.Evaluator;
import dev.unlearn.eval.muse.MuseMetrics;
import dev.unlearn.eval.report.Plots;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.Metrics;
import dev.unlearn.eval.tofu.ForgetQualityMetric;
import dev.unlearn.eval.tofu.ModelUtilityMetric;
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
    /**
     * The columns of a TOFU run, in table order: the leaderboard {@link Headline}s the default suites'
     * metrics declare, by rank, then the leakage suite's {@code leak}.
     */
    public static final List<Headline> TOFU = withLeak(Metrics.headlines(Evaluator.DEFAULT_SUITES));
    /** The columns of a MUSE run (the muse suite's leaderboard headlines, by rank, then {@code leak}). */
    public static final List<Headline> MUSE = withLeak(Metrics.headlines(List.of(MuseMetrics.SUITE)));
    /** The summary fields of {@link #TOFU}, in table order. */
    public static final List<String> COLUMNS = fields(TOFU);
    /** The summary fields of {@link #MUSE} (VerbMem and KnowMem on D_f, PrivLeak, KnowMem on D_r, leak), in table order. */
    public static final List<String> MUSE_COLUMNS = fields(MUSE);

    private static List<Headline> withLeak(List<Headline> headlines) {
        List<Headline> out = new ArrayList<>();
        headlines.stream().filter(Headline::onLeaderboard).forEach(out::add);
        out.add(LeakageReport.HEADLINE);
        return List.copyOf(out);
    }

    private static List<String> fields(List<Headline> columns) {
        return columns.stream().map(Headline::field).toList();
    }

    /** Whether any row carries a MUSE headline field. */
    static boolean isMuse(List<RunPipeline.ModelRow> rows) {
        for (RunPipeline.ModelRow r : rows) {
            for (Headline h : MUSE) {
                if (h != LeakageReport.HEADLINE && r.summary().has(h.field())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The columns of these rows: MUSE's when any row has a MUSE headline field, else TOFU's plus the
     * leaderboard headlines of any other suite a row carries (e.g. a new metric's), all by rank.
     */
    static List<Headline> columns(List<RunPipeline.ModelRow> rows) {
        if (isMuse(rows)) {
            return MUSE;
        }
        List<Headline> out = new ArrayList<>(TOFU);
        out.remove(LeakageReport.HEADLINE);
        for (Headline h : Metrics.headlines()) {
            if (h.onLeaderboard() && !out.contains(h) && !MUSE.contains(h)
                    && rows.stream().anyMatch(r -> r.summary().has(h.field()))) {
                out.add(h);
            }
        }
        out.sort(java.util.Comparator.comparingInt(Headline::rank));
        out.add(LeakageReport.HEADLINE);
        return List.copyOf(out);
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
            for (Headline c : columns(rows)) {
                m.put(c.field(), r.summary().value(c.field()));
            }
            m.put("wall_seconds", r.wallSeconds());
            m.set("metrics", RunPipeline.JSON.valueToTree(r.summary()));
            points.add(new Plots.ModelPoint(r.name(), r.summary().value(ForgetQualityMetric.FIELD),
                    r.summary().value(ModelUtilityMetric.FIELD)));
        }
        RunPipeline.JSON.writeValue(dir.resolve("report.json").toFile(), root);
        boolean muse = isMuse(rows);
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
        List<Headline> cols = columns(rows);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-14s %-9s", "model", "role"));
        for (Headline c : cols) {
            sb.append(String.format(Locale.ROOT, " %10s", c.column()));
        }
        sb.append(String.format(Locale.ROOT, " %7s%n", "secs"));
        for (RunPipeline.ModelRow r : rows) {
            sb.append(String.format(Locale.ROOT, "%-14s %-9s", r.name(), r.role()));
            for (Headline c : cols) {
                sb.append(String.format(Locale.ROOT, " %10s", c.format().leaderboard(r.summary().value(c.field()))));
            }
            sb.append(String.format(Locale.ROOT, " %7.1f%n", r.wallSeconds()));
        }
        return sb.toString();
    }

    /** Bar chart of each model's leakage differences per attack, or null when no row ran the suite. */
    private static byte[] leakagePlot(List<RunPipeline.ModelRow> rows) {
        List<String> attacks = new ArrayList<>();
        Map<String, Map<String, Double>> diffs = new java.util.LinkedHashMap<>();
        for (RunPipeline.ModelRow r : rows) {
            if (Double.isNaN(r.summary().value(LeakageReport.HEADLINE.field())) || RunPipeline.RETAIN.equals(r.role())) {
                continue;
            }
            Map<String, Double> d = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, Double> e : r.summary().values().entrySet()) {
                String k = e.getKey();
                if (k.startsWith("leak_") && k.endsWith("_diff") && e.getValue() != null && !Double.isNaN(e.getValue())) {
                    Double n = e.getValue();
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

    private static String html(String title, List<RunPipeline.ModelRow> rows, byte[] png, byte[] leak) {
        List<Headline> cols = columns(rows);
        boolean muse = isMuse(rows);
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
        for (Headline c : cols) {
            sb.append("<th>").append(c.field()).append("</th>");
        }
        sb.append("<th>wall_seconds</th></tr>");
        for (RunPipeline.ModelRow r : rows) {
            sb.append("<tr><td><a href=\"../eval/").append(esc(r.name())).append("/report.html\">").append(esc(r.name()))
                    .append("</a></td><td>").append(r.role()).append("</td><td>")
                    .append(r.method() == null ? "" : esc(r.method())).append("</td>");
            for (Headline c : cols) {
                sb.append("<td>").append(c.format().table(r.summary().value(c.field()))).append("</td>");
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

package dev.unlearn.cli.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.Version;
import dev.unlearn.eval.report.ForgetQualityResolution;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The run-level report: {@code report.json} (a {@code models} list, one entry per evaluated model),
 * {@code report.html} ({@link RunReportPage}: table, Pareto plot of forget quality vs model utility,
 * bars per column; the plot also as {@code fq_vs_mu.svg}), plus a plain-text leaderboard for the terminal.
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
        }
        RunPipeline.JSON.writeValue(dir.resolve("report.json").toFile(), root);
        boolean muse = columns(rows) == MUSE_COLUMNS;
        String pareto = muse ? null : RunReportPage.paretoSvg(rows);
        if (pareto != null) {
            Files.writeString(dir.resolve("fq_vs_mu.svg"), pareto, StandardCharsets.UTF_8);
        }
        byte[] leak = leakagePlot(rows);
        if (leak != null) {
            Files.write(dir.resolve("leakage.png"), leak);
        }
        Files.writeString(dir.resolve("report.html"),
                RunReportPage.render(title, rows, columns(rows), muse, pareto, leak, muse ? Optional.empty() : resolution(dir, rows)),
                StandardCharsets.UTF_8);
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

    /**
     * Forget quality's resolution, from the first per-model page that ran it. The report is written in
     * a folder beside the run's {@code eval/NAME} folders (its links say {@code ../eval/NAME}).
     */
    private static Optional<ForgetQualityResolution> resolution(Path dir, List<RunPipeline.ModelRow> rows) throws IOException {
        for (RunPipeline.ModelRow r : rows) {
            Path json = dir.resolveSibling("eval").resolve(r.name()).resolve("report.json");
            if (Files.isRegularFile(json)) {
                Optional<ForgetQualityResolution> res = ForgetQualityResolution.ofReportJson(RunPipeline.JSON.readTree(json.toFile()));
                if (res.isPresent()) {
                    return res;
                }
            }
        }
        return Optional.empty();
    }

    private static String fq(double v) {
        return Double.isNaN(v) ? "n/a" : v >= 1e-3 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.2e", v);
    }

    static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Prints the leaderboard and the report's path. */
    public static void print(PrintWriter out, RunPipeline.Result r) {
        out.print(leaderboard(r.models()));
        out.println("report: " + r.reportHtml().toAbsolutePath());
        out.flush();
    }
}

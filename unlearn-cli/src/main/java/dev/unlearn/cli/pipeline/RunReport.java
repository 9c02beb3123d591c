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
        }
        RunPipeline.JSON.writeValue(dir.resolve("report.json").toFile(), root);
        boolean muse = isMuse(rows);
        String pareto = muse ? null : RunReportPage.paretoSvg(rows);
        if (pareto != null) {
            Files.writeString(dir.resolve("fq_vs_mu.svg"), pareto, StandardCharsets.UTF_8);
        }
        byte[] leak = leakagePlot(rows);
        if (leak != null) {
            Files.write(dir.resolve("leakage.png"), leak);
        }
        Files.writeString(dir.resolve("report.html"),
                RunReportPage.render(title, rows, fields(columns(rows)), muse, pareto, leak, muse ? Optional.empty() : resolution(dir, rows)),
                StandardCharsets.UTF_8);
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



    /** Prints the leaderboard and the report's path. */
    public static void print(PrintWriter out, RunPipeline.Result r) {
        out.print(leaderboard(r.models()));
        out.println("report: " + r.reportHtml().toAbsolutePath());
        out.flush();
    }
}

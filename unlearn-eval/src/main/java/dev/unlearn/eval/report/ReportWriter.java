package dev.unlearn.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.stats.RocAuc;
import dev.unlearn.eval.tofu.TofuAggregation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a report directory: {@code report.json} (schema in {@code unlearn-eval/README.md}), one file
 * per chart that the results support (PNG, and SVG for the forget quality vs utility plot), and
 * {@code index.html} showing both.
 *
 * <p>Charts are derived from the results: truth-ratio histogram from {@code tofu_truth_ratio} and
 * {@code tofu_forget_quality}; CKA by layer from {@code representation_cka}; ROC curves from every
 * {@code mia_*} result; FQ vs MU from {@code tofu_forget_quality}, {@code tofu_model_utility} and the
 * comparison points. Non-finite numbers are written as JSON {@code null}.
 */
public final class ReportWriter {
    /** Version of the {@code report.json} schema. */
    public static final int SCHEMA_VERSION = 1;

    private static final Pattern CKA_KEY = Pattern.compile("(cka_to_retrained|cka_to_original)/([^/]+)/(\\d+)");

    private ReportWriter() {}

    /** A chart written beside the report. */
    public record Plot(String file, String title) {}

    /**
     * Writes the report into a directory (created if needed).
     *
     * @return the files written, {@code report.json} and {@code index.html} included
     */
    public static List<Path> write(Path dir, EvaluationReport report) {
        try {
            Files.createDirectories(dir);
            List<Path> written = new ArrayList<>();
            List<Plot> plots = new ArrayList<>();
            Map<Plot, byte[]> charts = charts(report);
            for (Map.Entry<Plot, byte[]> e : charts.entrySet()) {
                Path f = dir.resolve(e.getKey().file());
                Files.write(f, e.getValue());
                written.add(f);
                plots.add(e.getKey());
            }
            Path json = dir.resolve("report.json");
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Files.writeString(json, mapper.writeValueAsString(toJson(report, plots)), StandardCharsets.UTF_8);
            written.add(json);
            Path html = dir.resolve("index.html");
            Files.writeString(html, HtmlPage.render(report, charts), StandardCharsets.UTF_8);
            written.add(html);
            return written;
        } catch (IOException e) {
            throw new InvalidInputException("cannot write report into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The {@code report.json} tree. */
    public static ObjectNode toJson(EvaluationReport r, List<Plot> plots) {
        JsonNodeFactory nf = JsonNodeFactory.instance;
        ObjectNode root = nf.objectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.put("title", r.title());
        root.put("created", r.created().toString());
        ObjectNode meta = root.putObject("metadata");
        r.metadata().forEach(meta::put);
        ObjectNode metrics = root.putObject("metrics");
        for (MetricResult m : r.results().values()) {
            ObjectNode o = metrics.putObject(m.metric());
            ObjectNode values = o.putObject("values");
            m.scalars().forEach((k, v) -> number(values, k, v));
            ObjectNode per = o.putObject("per_sample");
            m.perSample().forEach((s, series) -> {
                ObjectNode so = per.putObject(s);
                series.forEach((k, v) -> number(so, k, v));
            });
        }
        Map<String, Double> summary = tofuSummary(r);
        if (!summary.isEmpty()) {
            ObjectNode t = root.putObject("tofu_summary");
            summary.forEach((k, v) -> number(t, k, v));
        }
        ArrayNode comp = root.putArray("comparison");
        for (Plots.ModelPoint p : r.comparison()) {
            ObjectNode o = comp.addObject().put("name", p.name());
            number(o, "forget_quality", p.forgetQuality());
            number(o, "model_utility", p.modelUtility());
        }
        ArrayNode pl = root.putArray("plots");
        for (Plot p : plots) {
            pl.addObject().put("file", p.file()).put("title", p.title());
        }
        return root;
    }

    /** The TOFU leaderboard values present among the results, in {@link TofuAggregation#KEYS} order. */
    static Map<String, Double> tofuSummary(EvaluationReport r) {
        Map<String, Double> all = new LinkedHashMap<>();
        for (MetricResult m : r.results().values()) {
            if (m.metric().startsWith("tofu_")) {
                all.putAll(m.scalars());
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String k : TofuAggregation.KEYS) {
            if (all.containsKey(k)) {
                out.put(k, all.get(k));
            }
        }
        return out;
    }

    private static void number(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) {
            o.put(k, v);
        } else {
            o.putNull(k);
        }
    }

    static Map<Plot, byte[]> charts(EvaluationReport r) {
        Map<Plot, byte[]> out = new LinkedHashMap<>();
        Map<String, MetricResult> res = r.results();
        MetricResult tr = res.get(dev.unlearn.eval.tofu.TofuTaskMetrics.TruthRatioMetric.NAME);
        MetricResult fq = res.get(dev.unlearn.eval.tofu.ForgetQualityMetric.NAME);
        if (tr != null && tr.perSample().containsKey("truth_ratio/forget")) {
            Map<String, List<Double>> series = new LinkedHashMap<>();
            series.put("model", new ArrayList<>(tr.series("truth_ratio/forget").values()));
            if (fq != null && fq.perSample().containsKey("retain_model_truth_ratio/forget")) {
                series.put("retain model", new ArrayList<>(fq.series("retain_model_truth_ratio/forget").values()));
            }
            out.put(new Plot("truth_ratio_histogram.png", "Truth ratio on the forget set: model vs retain model"),
                    Plots.truthRatioHistogram(series, 20));
        }
        MetricResult cka = res.get(dev.unlearn.eval.representation.RepresentationMetrics.CkaMetric.NAME);
        if (cka != null) {
            Map<String, Map<Integer, Double>> curves = new TreeMap<>();
            for (Map.Entry<String, Double> e : cka.scalars().entrySet()) {
                Matcher m = CKA_KEY.matcher(e.getKey());
                if (m.matches()) {
                    String name = m.group(1).replace("cka_", "").replace('_', ' ') + " / " + m.group(2);
                    curves.computeIfAbsent(name, k -> new TreeMap<>()).put(Integer.parseInt(m.group(3)), e.getValue());
                }
            }
            if (!curves.isEmpty()) {
                out.put(new Plot("cka_by_layer.png", "Linear CKA of the unlearned model by layer"), Plots.ckaByLayer(curves));
            }
        }
        Map<String, List<RocAuc.Point>> rocs = new LinkedHashMap<>();
        for (MetricResult m : res.values()) {
            if (m.metric().startsWith("mia_") && m.perSample().containsKey("forget") && m.perSample().containsKey("holdout")) {
                double[] f = m.series("forget").values().stream().mapToDouble(Double::doubleValue).toArray();
                double[] h = m.series("holdout").values().stream().mapToDouble(Double::doubleValue).toArray();
                rocs.put(String.format(java.util.Locale.ROOT, "%s (AUC %.3f)", m.metric().substring(4), m.scalar("auc")), RocAuc.curve(f, h));
            }
        }
        if (!rocs.isEmpty()) {
            out.put(new Plot("mia_roc.png", "Membership-inference ROC curves"), Plots.rocCurves(rocs));
        }
        List<ParetoPlot.Point> points = new ArrayList<>();
        for (Plots.ModelPoint p : r.comparison()) {
            points.add(new ParetoPlot.Point(p.name(), p.modelUtility(), p.forgetQuality(), ParetoPlot.Kind.CANDIDATE));
        }
        MetricResult mu = res.get(dev.unlearn.eval.tofu.ModelUtilityMetric.NAME);
        if (fq != null && mu != null) {
            points.add(new ParetoPlot.Point(r.title(), mu.scalar("Model Utility"), fq.scalar("Forget Quality"), ParetoPlot.Kind.CANDIDATE));
        }
        if (!points.isEmpty()) {
            out.put(new Plot("fq_vs_mu.svg", "Forget quality (log scale) vs model utility"),
                    ParetoPlot.svg("Forget quality vs model utility", points, ParetoPlot.SIGNIFICANCE).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}

package dev.unlearn.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The run report page from the demo's figures, read back without a browser: the table in a scroll
 * container, the Pareto plot (log axis fitted to the data, retain and 0.05 lines), one bar chart per
 * column, the resolution note computed for the run's n, and the per-model page titles.
 */
class RunReportPageTest {
    @TempDir
    Path tmp;

    static RunPipeline.ModelRow row(String name, String role, String method, double fq, double mu, double tr) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("forget_quality", fq);
        m.put("model_utility", mu);
        m.put("forget_truth_ratio", tr);
        m.put("forget_rougeL_recall", 0.5);
        m.put("retain_rougeL_recall", 0.9);
        m.put("mia_auc_loss", 0.6);
        m.put("cka_to_retain_mean", 0.8);
        m.put("leak", null);
        return new RunPipeline.ModelRow(name, role, method, Path.of("m"), new dev.unlearn.eval.model.EvaluationSummary(m), 1.5);
    }

    static List<RunPipeline.ModelRow> rows() {
        return List.of(row("full", "full", null, 0.0011158, 0.906, 0.468), row("retain", "retain", null, 1.0, 0.900, 0.691),
                row("ga", "unlearned", "ga", 0.0811, 0.0, 0.824), row("npo", "unlearned", "npo", 0.0123, 0.655, 0.703),
                row("simnpo", "unlearned", "simnpo", 0.0811, 0.888, 0.567), row("rmu", "unlearned", "rmu", 0.0011158, 0.904, 0.55));
    }

    /** Writes the report where a run does: {@code RUN/report}, beside {@code RUN/eval/NAME/report.json}. */
    private String write(int forgetSamples) throws Exception {
        Path run = tmp.resolve("run");
        Path eval = Files.createDirectories(run.resolve("eval").resolve("full"));
        StringBuilder series = new StringBuilder();
        for (int i = 0; i < forgetSamples; i++) {
            series.append(i == 0 ? "" : ",").append('"').append(i).append("\":0.5");
        }
        Files.writeString(eval.resolve("report.json"), "{\"metrics\":{"
                + "\"tofu_truth_ratio\":{\"values\":{},\"per_sample\":{\"truth_ratio/forget\":{" + series + "}}},"
                + "\"tofu_forget_quality\":{\"values\":{},\"per_sample\":{\"retain_model_truth_ratio/forget\":{" + series + "}}}}}");
        Path dir = Files.createDirectories(run.resolve("report"));
        RunReport.write(dir, "demo", rows());
        return Files.readString(dir.resolve("report.html"));
    }

    @Test
    void pageHasTableParetoPlotBarsAndNote() throws Exception {
        String html = write(20);
        assertTrue(html.contains("<title>demo</title>"));
        assertTrue(html.contains("<div class=\"table-scroll\"><table class=\"leaderboard\">"), "table in a scroll container");
        assertTrue(html.contains("<th title=\"forget_truth_ratio\">forget_<wbr>truth_<wbr>ratio</th>"), "headers wrap at underscores");
        assertTrue(html.contains("<td class=\"n\">0.0011</td>") && html.contains("<td class=\"n\">0.906</td>"), "numbers formatted");
        assertTrue(html.contains("n = 20 forget samples") && html.contains("distinct values"), "resolution note for the run's n");
        assertFalse(html.contains("data:image/png"), "no PNG without a leakage suite");
        for (String name : List.of("full", "retain", "ga", "npo", "simnpo", "rmu")) {
            assertTrue(html.contains("<a href=\"../eval/" + name + "/report.html\">"), name);
        }

        List<Document> charts = svgs(html);
        Document pareto = charts.get(0);
        assertEquals("chart pareto", pareto.getDocumentElement().getAttribute("class"));
        assertEquals(List.of("0.001", "0.01", "0.1", "1"), texts(pareto, "//g[contains(@class,'axis-y')]/text"),
                "the forget-quality axis fits the data (three decades), not [1e-30, 1]");
        assertEquals(1, count(pareto, "//g[contains(@class,'ref-fq')]/line"));
        assertEquals(1, count(pareto, "//g[contains(@class,'ref-mu')]/line"));
        assertEquals(1, count(pareto, "//g[contains(@class,'sig-line')]/line"));
        assertEquals(1, count(pareto, "//g[contains(@class,'pareto-front')]/path"));
        assertEquals(List.of("simnpo", "rmu"), frontNames(html));
        assertTrue(count(pareto, "//g[contains(@class,'reference')]") == 1 && count(pareto, "//g[contains(@class,'baseline')]") == 1);

        List<String> barTitles = new ArrayList<>();
        for (Document d : charts.subList(1, charts.size())) {
            assertEquals("chart bars", d.getDocumentElement().getAttribute("class"));
            barTitles.add(texts(d, "//text[@class='bars-title']").get(0));
            assertEquals(6, count(d, "//g[contains(@class,'bar ')]/rect"), "a bar per model");
            assertEquals(1, count(d, "//g[contains(@class,'ref-line')]/line"), "the retain model's value");
        }
        // leak has no values: no chart for it
        assertEquals(RunReport.COLUMNS.subList(0, 7), barTitles);
        assertTrue(Files.isRegularFile(tmp.resolve("run/report/fq_vs_mu.svg")));
    }

    @Test
    void noteFollowsTheForgetSetSize() throws Exception {
        assertTrue(write(10).contains("n = 10 forget samples (and 10 of the retain model), the KS statistic can only be k/10,"
                + " so forget quality takes only 10 distinct values"));
    }

    @Test
    void perModelPagesAreTitledByTheModelsName() {
        Path full = Path.of("run", "finetune-full", "model");
        Path retain = Path.of("run", "finetune-retain", "model");
        assertEquals("full", DefaultSteps.modelName(full, full, retain));
        assertEquals("retain", DefaultSteps.modelName(retain, full, retain));
        assertEquals("npo", DefaultSteps.modelName(Path.of("run", "unlearn", "npo", "model"), full, retain));
        assertEquals("ckpt", DefaultSteps.modelName(Path.of("somewhere", "ckpt"), full, retain));
    }

    private static List<String> frontNames(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(">([^<>]+)</a> <span class=\"front\"").matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static List<Document> svgs(String html) throws Exception {
        List<Document> out = new ArrayList<>();
        int i = 0;
        while ((i = html.indexOf("<svg", i)) >= 0) {
            int j = html.indexOf("</svg>", i) + 6;
            out.add(DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(html.substring(i, j).getBytes(StandardCharsets.UTF_8))));
            i = j;
        }
        return out;
    }

    private static NodeList nodes(Document d, String xpath) throws Exception {
        return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, d, XPathConstants.NODESET);
    }

    private static int count(Document d, String xpath) throws Exception {
        return nodes(d, xpath).getLength();
    }

    private static List<String> texts(Document d, String xpath) throws Exception {
        NodeList nl = nodes(d, xpath);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < nl.getLength(); k++) {
            out.add(nl.item(k).getTextContent());
        }
        return out;
    }
}

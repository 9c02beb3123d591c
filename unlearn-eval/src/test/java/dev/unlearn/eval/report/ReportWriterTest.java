package dev.unlearn.eval.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.eval.spi.MetricResult;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders a full report into a temporary directory and checks the files. */
class ReportWriterTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path tmp;

    static Map<String, Double> series(double[] v) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < v.length; i++) {
            m.put(Integer.toString(i), v[i]);
        }
        return m;
    }

    static EvaluationReport report() {
        Random rnd = new Random(11);
        double[] model = new double[40];
        double[] retain = new double[40];
        double[] forget = new double[40];
        double[] holdout = new double[40];
        for (int i = 0; i < 40; i++) {
            model[i] = Math.exp(rnd.nextGaussian() * 0.3 - 0.8);
            retain[i] = Math.exp(rnd.nextGaussian() * 0.3);
            forget[i] = 0.5 + rnd.nextGaussian() * 0.3;
            holdout[i] = 1.0 + rnd.nextGaussian() * 0.3;
        }
        Map<String, MetricResult> results = new LinkedHashMap<>();
        results.put("tofu_truth_ratio", MetricResult.builder("tofu_truth_ratio").scalar("Truth Ratio Forget", 0.61)
                .series("truth_ratio/forget", series(model)).build());
        results.put("tofu_model_utility", MetricResult.builder("tofu_model_utility").scalar("Model Utility", 0.52).build());
        results.put("tofu_forget_quality", MetricResult.builder("tofu_forget_quality").scalar("Forget Quality", 3.2e-12)
                .scalar("KS Test Forget", 0.7).scalar("KS Test PVal Forget", 3.2e-12)
                .series("retain_model_truth_ratio/forget", series(retain)).build());
        results.put("mia_loss", MetricResult.builder("mia_loss").scalar("auc", 0.84).series("forget", series(forget))
                .series("holdout", series(holdout)).build());
        MetricResult.Builder cka = MetricResult.builder("representation_cka");
        for (int l = 0; l <= 4; l++) {
            cka.scalar("cka_to_retrained/forget/" + l, 0.95 - 0.1 * l).scalar("cka_to_original/forget/" + l, 0.99 - 0.02 * l);
        }
        results.put("representation_cka", cka.scalar("undefined", Double.NaN).build());
        return EvaluationReport.builder("npo on forget10").optCreated(Instant.parse("2026-01-01T00:00:00Z"))
                .optMetadata("model", "tiny-llama").addResults(results)
                .addComparison("target (fine-tuned)", 1e-21, 0.62).addComparison("retain90", 1.0, 0.60).addComparison("grad ascent", 0.0, 0.0)
                .build();
    }

    @Test
    void writesJsonHtmlAndValidPngs() throws Exception {
        // Chart layout code can loop on odd axes; fail instead of hanging the build.
        List<Path> files = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> ReportWriter.write(tmp, report()));
        for (String name : List.of("truth_ratio_histogram.png", "cka_by_layer.png", "mia_roc.png")) {
            Path f = tmp.resolve(name);
            assertTrue(files.contains(f), name + " written");
            byte[] bytes = Files.readAllBytes(f);
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, 8), name + " has the PNG signature");
            BufferedImage img = ImageIO.read(f.toFile());
            assertNotNull(img, name + " decodes");
            assertEquals(Plots.WIDTH, img.getWidth());
            assertEquals(Plots.HEIGHT, img.getHeight());
            assertTrue(distinctColours(img) > 3, name + " is not blank");
        }
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
        assertEquals(ReportWriter.SCHEMA_VERSION, json.get("schema_version").asInt());
        assertEquals(0.84, json.at("/metrics/mia_loss/values/auc").asDouble());
        assertTrue(json.at("/metrics/representation_cka/values/undefined").isNull(), "NaN is written as null");
        assertEquals(3.2e-12, json.at("/tofu_summary/Forget Quality").asDouble());
        assertEquals(4, json.get("plots").size());
        assertEquals(3, json.get("comparison").size());
        String html = Files.readString(tmp.resolve("index.html"));
        for (JsonNode p : json.get("plots")) {
            String f = p.get("file").asText();
            assertTrue(html.contains(f.endsWith(".svg") ? "data-file=\"" + f + "\"" : "src=\"" + f + "\""), "html shows " + p);
        }
        Path svgFile = tmp.resolve("fq_vs_mu.svg");
        assertTrue(files.contains(svgFile));
        SvgCheck svg = SvgCheck.parse(Files.readString(svgFile));
        // FQ from 1e-21 to 1: a log axis from 1e-21, labels at most every few decades, not a fixed [-30, 0]
        List<String> ticks = svg.texts(SvgCheck.inGroup("axis-y", "text"));
        assertTrue(ticks.contains("1") && ticks.contains("1e-21"), ticks.toString());
        assertEquals(1, svg.select(SvgCheck.inGroup("sig-line", "line")).size());
        assertEquals(1, SvgCheck.all(html).stream().filter(c -> c.cls().contains("pareto")).count(), "the plot is inline");
        // grad ascent's FQ of 0 is drawn on the floor
        assertEquals(1, svg.select("//g[contains(@class,'below-axis')]").size());
    }

    @Test
    void pageIsTitledByTheReportAndNotesForgetQualityResolution() throws Exception {
        ReportWriter.write(tmp, report());
        String html = Files.readString(tmp.resolve("index.html"));
        assertTrue(html.contains("<title>npo on forget10</title>") && html.contains("<h1>npo on forget10</h1>"));
        // 40 forget truth ratios against 40 of the retain model
        assertTrue(html.contains("class=\"note fq-resolution\"") && html.contains("n = 40 forget samples"), html);
        assertTrue(html.contains("class=\"table-scroll\""));
    }

    private static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> c = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                c.add(img.getRGB(x, y));
            }
        }
        return c.size();
    }

    /** Renders into target/report-preview for a manual look (not asserted beyond the test above). */
    @Test
    void previewForManualInspection() {
        Path dir = Path.of("target", "report-preview");
        assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(60), () -> ReportWriter.write(dir, report())).size() >= 6);
    }
}

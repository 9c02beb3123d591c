package dev.unlearn.cli.commands;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.testing.TinyWorld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unlearn eval …} end to end on the tiny world (one {@code eval tofu} run per class). */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static TinyWorld.Paths3 world;
    static Path out;
    static CliRun tofu;

    @BeforeAll
    static void evaluateOnce() {
        world = TinyWorld.get();
        out = tmp.resolve("eval");
        tofu = CliRun.of("eval", "tofu", "--model", world.full().toString(), "--data", world.data().toString(),
                "--retain-model", world.retain().toString(), "--suites", "tofu,mia", "--truth-ratio-base", "paraphrased",
                "--max-new-tokens", "32", "--out", out.toString());
    }

    @Test
    void tofuWritesLogsReportAndPrintsTheSummary() throws IOException {
        assertEquals(0, tofu.code(), tofu.toString());
        JsonNode s = JSON.readTree(tofu.out().strip());
        Bounds.record("EvalCommandTest.forgetQuality", s.get("forget_quality").asDouble(), "<", 0.05);
        Bounds.record("EvalCommandTest.modelUtility", s.get("model_utility").asDouble(), ">", 0.5);
        assertTrue(s.get("forget_quality").asDouble() < 0.05, tofu.out());
        assertTrue(s.get("model_utility").asDouble() > 0.5, tofu.out());
        for (String f : new String[] {"eval_log.json", "eval_log_forget.json", "eval_real_author_wo_options.json",
                "eval_real_world_wo_options.json", "eval_log_aggregated.json", "retain_model/eval_log_forget.json",
                "report.json", "report.html", "summary.json"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
    }

    @Test
    void tofuAggregateReproducesTheSummaryFromTheLogs() throws IOException {
        CliRun r = CliRun.of("eval", "tofu-aggregate", "--ckpt-result", out.toString(), "--retain-result", out.resolve("retain_model").toString());
        assertEquals(0, r.code(), r.toString());
        JsonNode agg = JSON.readTree(r.out().strip());
        JsonNode s = JSON.readTree(tofu.out().strip());
        assertEquals(s.get("forget_quality").asDouble(), agg.get("Forget Quality").asDouble(), 0.0);
        assertEquals(s.get("model_utility").asDouble(), agg.get("Model Utility").asDouble(), 1e-12);
        assertEquals("ROUGE Real Authors", agg.fieldNames().next());
        // A model's forget log against itself: indistinguishable.
        CliRun self = CliRun.of("eval", "tofu-aggregate", "--ckpt-result", out.toString(), "--retain-result", out.toString());
        assertEquals(0, self.code(), self.toString());
        assertEquals(1.0, JSON.readTree(self.out().strip()).get("Forget Quality").asDouble(), 0.0);
    }

    @Test
    void rougeScoresEachLineAsRougeScore() throws IOException {
        Path in = tmp.resolve("pairs.jsonl");
        Files.writeString(in, "{\"prediction\":\"The author's name is Hsiao Yun Hwa, born in Taipei.\",\"reference\":\"The author's full name is Hsiao Yun-Hwa.\"}\n\n"
                + "{\"prediction\":\"The play 'Romeo and Juliet' was written by William Shakespeare.\",\"reference\":\"William Shakespeare\"}\n");
        CliRun r = CliRun.of("eval", "rouge", "--input", in.toString());
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length);
        JsonNode a = JSON.readTree(lines[0]);
        assertEquals(0.888888888889, a.get("rougeL_recall").asDouble(), 1e-12);
        assertEquals(0.727272727273, a.get("rougeL_precision").asDouble(), 1e-12);
        assertEquals(0.8, a.get("rougeL_f1").asDouble(), 1e-12);
        assertEquals(0.888888888889, a.get("rouge1_recall").asDouble(), 1e-12);
        assertEquals(1.0, JSON.readTree(lines[1]).get("rougeL_recall").asDouble(), 0.0);
    }

    @Test
    void badInputsExitWithTwoAndSayWhy() throws IOException {
        Path in = tmp.resolve("bad.jsonl");
        Files.writeString(in, "{\"prediction\":\"x\"}\n");
        CliRun r = CliRun.of("eval", "rouge", "--input", in.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("line 1") && r.err().contains("reference"), r.err());
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("\n\n", "holds no pairs");
        refused.put("{\"prediction\":\"a\",\"reference\":\"a\",\"reference\":\"b\"}\n", "Duplicate field 'reference'");
        refused.put("{\"prediction\":\"a\",\"reference\":\"a\"}\n{\"prediction\":\"b\",\"reference\":\"b\"} {}\n", "line 2");
        for (Map.Entry<String, String> c : refused.entrySet()) {
            Files.writeString(in, c.getKey());
            CliRun bad = CliRun.of("eval", "rouge", "--input", in.toString());
            assertEquals(2, bad.code(), c.getKey() + ": " + bad);
            assertTrue(bad.err().contains(c.getValue()) && bad.out().isEmpty(), c.getKey() + ": " + bad);
        }
        CliRun missing = CliRun.of("eval", "tofu", "--model", tmp.resolve("nope").toString(), "--data", world.data().toString(),
                "--out", tmp.resolve("o").toString());
        assertEquals(2, missing.code(), missing.toString());
        CliRun noLogs = CliRun.of("eval", "tofu-aggregate", "--ckpt-result", tmp.toString(), "--retain-result", tmp.toString());
        assertEquals(2, noLogs.code(), noLogs.toString());
    }

    @Test
    void helpShowsExamples() {
        for (String sub : new String[] {"tofu", "tofu-aggregate", "rouge"}) {
            CliRun r = CliRun.of("eval", sub, "--help");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("Examples:") && r.out().contains("unlearn eval " + sub), r.out());
        }
        CliRun bare = CliRun.of("eval");
        assertEquals(ExitCodes.BAD_INPUT, bare.code(), bare.toString());
        assertTrue(bare.err().contains("tofu-aggregate"), bare.toString());
    }
}

package dev.unlearn.eval.tofu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading OU's TOFU_EVAL.json for Forget Quality (spec §2.6, §2.11). */
class OuEvalLogsTest {
    @TempDir
    Path tmp;

    static String eval(double... scores) {
        StringBuilder sb = new StringBuilder("{\"forget_quality\": {\"agg_value\": 0.5}, \"forget_truth_ratio\": {\"agg_value\": 0.7, \"value_by_index\": {");
        for (int i = 0; i < scores.length; i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(i).append("\": {\"score\": ").append(scores[i]).append('}');
        }
        return sb.append("}}}").toString();
    }

    @Test
    void readsScoresAndComputesForgetQuality() throws Exception {
        // Vector A6 row 1 as truth ratios: p = 5/14.
        Files.writeString(tmp.resolve("model.json"), eval(0.12, 0.35, 0.51, 0.77, 0.90));
        Files.createDirectories(tmp.resolve("retain"));
        Files.writeString(tmp.resolve("retain").resolve(OuEvalLogs.TOFU_EVAL), eval(0.05, 0.08, 0.22, 0.31, 0.40));
        Map<String, Double> m = OuEvalLogs.forgetTruthRatios(tmp.resolve("model.json"));
        Map<String, Double> r = OuEvalLogs.forgetTruthRatios(tmp.resolve("retain"));
        assertEquals(0.35, m.get("1"), 0.0);
        assertEquals(0.35714285714285715, OuEvalLogs.forgetQuality(m, r).pValue(), 1e-15);
    }

    @Test
    void missingKeyAndMismatchedSamplesAreErrors() throws Exception {
        Files.writeString(tmp.resolve("a.json"), "{\"model_utility\": {\"agg_value\": 0.5}}");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> OuEvalLogs.forgetTruthRatios(tmp.resolve("a.json")));
        assertTrue(e.getMessage().contains("forget_truth_ratio"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> OuEvalLogs.forgetQuality(Map.of("0", 1.0), Map.of("1", 1.0)));
    }
}

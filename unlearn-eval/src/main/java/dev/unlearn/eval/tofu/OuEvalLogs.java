package dev.unlearn.eval.tofu;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.eval.stats.KolmogorovSmirnov;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads open-unlearning's {@code TOFU_EVAL.json} far enough to compute Forget Quality against a retain
 * model evaluated by OU.
 *
 * <p>Reference matched: OU {@code src/evals/metrics/memorization.py forget_quality} at {@code d3d7cf9}:
 * the retain model's {@code TOFU_EVAL.json} (or a directory holding it), key {@code forget_truth_ratio},
 * {@code value_by_index[*].score} = {@code R = wrong/(correct + 1e-10)}; spec §2.6, §2.11. OU returns
 * {@code None} when the key is absent; we fail, naming the file and key.
 */
public final class OuEvalLogs {
    /** OU's eval file name. */
    public static final String TOFU_EVAL = "TOFU_EVAL.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private OuEvalLogs() {}

    /**
     * The per-sample {@code forget_truth_ratio} scores, in file order.
     *
     * @param path {@code TOFU_EVAL.json} or a directory holding it
     */
    public static Map<String, Double> forgetTruthRatios(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(TOFU_EVAL) : path;
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidInputException("cannot read open-unlearning eval log " + file + ": " + e.getMessage(), e);
        }
        JsonNode byIndex = root == null ? null : root.path("forget_truth_ratio").get("value_by_index");
        if (byIndex == null || !byIndex.isObject()) {
            throw new InvalidInputException(file + " has no forget_truth_ratio.value_by_index; evaluate the retain model with "
                    + "forget_truth_ratio in the metric list (OU's forget_quality pre-compute)");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = byIndex.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode score = e.getValue().get("score");
            if (score == null || !score.isNumber() || !Double.isFinite(score.doubleValue())) {
                throw new InvalidInputException(file + ": forget_truth_ratio.value_by_index[\"" + e.getKey()
                        + "\"].score is missing or not a finite number: " + score);
            }
            out.put(e.getKey(), score.doubleValue());
        }
        return out;
    }

    /**
     * Forget Quality between a model's OU-form truth ratios and a retain model's, after checking that
     * both cover the same sample keys (§2.1).
     */
    public static KolmogorovSmirnov.Result forgetQuality(Map<String, Double> model, Map<String, Double> retain) {
        if (!model.keySet().equals(retain.keySet())) {
            throw new InvalidInputException("forget truth ratios cover different samples (" + model.size() + " vs " + retain.size()
                    + " keys); Forget Quality needs both models on the same forget split");
        }
        return KolmogorovSmirnov.test(model.values().stream().mapToDouble(Double::doubleValue).toArray(),
                retain.values().stream().mapToDouble(Double::doubleValue).toArray());
    }
}

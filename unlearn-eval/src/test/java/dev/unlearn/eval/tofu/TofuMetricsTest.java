package dev.unlearn.eval.tofu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.Metrics;
import dev.unlearn.eval.spi.Suites;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The TOFU suite through the registry agrees with the aggregation script's numbers. */
class TofuMetricsTest {
    @Test
    void suiteMatchesAggregation() {
        EvaluationContext c = new EvaluationContext();
        TofuAggregationTest.modelLogs().forEach((t, l) -> c.put(TofuInputs.log(t), l));
        c.put(TofuInputs.RETAIN_MODEL_FORGET_LOG, TofuAggregationTest.retainForget());
        Map<String, int[]> preds = new LinkedHashMap<>();
        Map<String, int[]> labels = new LinkedHashMap<>();
        preds.put("0", new int[] {5, 9, 2, 7, 7, 1});
        labels.put("0", new int[] {5, 3, 2, 7, 7, 1});
        preds.put("1", new int[] {9, 9, 9});
        labels.put("1", new int[] {1, 2, 3});
        preds.put("2", new int[0]);
        labels.put("2", new int[0]);
        c.put(TofuInputs.FORGET_TOKEN_PREDICTIONS, new TokenPredictions(preds, labels));
        Map<String, MetricResult> r = Metrics.run(Suites.metrics("tofu"), c);
        Map<String, Double> all = new LinkedHashMap<>();
        r.values().forEach(m -> all.putAll(m.scalars()));
        for (Object[] e : TofuAggregationTest.EXPECTED) {
            assertEquals((double) e[1], all.get((String) e[0]), 2e-15 * Math.abs((double) e[1]), (String) e[0]);
        }
        // EM excludes the empty sample: (5/6 + 0)/2; ES counts it as 0: (4/6 + 1/3 + 0)/3.
        assertEquals((5.0 / 6 + 0) / 2, r.get("tofu_exact_memorization").scalar("exact_memorization"), 1e-15);
        assertEquals((0.6666666666666667 + 0.33333333333333337 + 0) / 3, r.get("tofu_extraction_strength").scalar("extraction_strength"), 1e-15);
        assertEquals(4, r.get("tofu_truth_ratio").series("truth_ratio/forget").size());
    }

    @Test
    void modelUtilityNeedsNoForgetLogAndEmptyContextIsNamed() {
        EvaluationContext c = new EvaluationContext();
        TofuAggregationTest.modelLogs().forEach((t, l) -> {
            if (t != TofuTask.FORGET) {
                c.put(TofuInputs.log(t), l);
            }
        });
        MetricResult mu = Metrics.run(java.util.List.of("tofu_model_utility"), c).get("tofu_model_utility");
        assertEquals(0.3699502723588722, mu.scalar("Model Utility"), 2e-15);
        dev.unlearn.core.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(dev.unlearn.core.InvalidInputException.class,
                () -> Metrics.run(java.util.List.of("tofu_rouge"), new EvaluationContext()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("tofu_log/eval_log_forget.json"), e.getMessage());
    }
}

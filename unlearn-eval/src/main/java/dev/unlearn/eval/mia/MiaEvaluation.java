package dev.unlearn.eval.mia;

import dev.unlearn.eval.stats.RocAuc;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one attack on a forget set and a holdout set: per-sample scores, the mean score of each set,
 * the AUC with forget as label 0 and holdout as label 1, and the ROC points.
 *
 * <p>Reference matched: OU {@code mia/utils.py} ({@code roc_auc_score(labels, scores)}); spec §4.1.
 * {@code auc = P(s_holdout > s_forget) + ½ P(=)}; 1 means the forget set still looks like training
 * data, ≈0.5 is what a retrained model shows.
 */
public final class MiaEvaluation {
    /**
     * Result of one attack.
     *
     * @param attack attack name
     * @param forgetScores per-sample forget scores by key
     * @param holdoutScores per-sample holdout scores by key
     * @param forgetMean mean forget score ({@code forget.agg_value})
     * @param holdoutMean mean holdout score
     * @param auc AUC, ties as half
     * @param roc ROC points for plots
     */
    public record Result(String attack, Map<String, Double> forgetScores, Map<String, Double> holdoutScores,
            double forgetMean, double holdoutMean, double auc, List<RocAuc.Point> roc) {}

    private MiaEvaluation() {}

    /** Scores both sets and computes the AUC. */
    public static Result run(MiaAttack attack, Map<String, MiaSample> forget, Map<String, MiaSample> holdout) {
        Map<String, Double> f = scores(attack, forget);
        Map<String, Double> h = scores(attack, holdout);
        double[] fa = f.values().stream().mapToDouble(Double::doubleValue).toArray();
        double[] ha = h.values().stream().mapToDouble(Double::doubleValue).toArray();
        return new Result(attack.name(), f, h, mean(fa), mean(ha), RocAuc.auc(fa, ha), RocAuc.curve(fa, ha));
    }

    static Map<String, Double> scores(MiaAttack attack, Map<String, MiaSample> set) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, MiaSample> e : set.entrySet()) {
            out.put(e.getKey(), attack.score(e.getKey(), e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}

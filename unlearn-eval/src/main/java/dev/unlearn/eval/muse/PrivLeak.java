package dev.unlearn.eval.muse;

import dev.unlearn.eval.mia.MiaAttack;
import dev.unlearn.eval.stats.NumpySum;
import dev.unlearn.eval.stats.RocAuc;
import java.util.Arrays;

/**
 * MUSE PrivLeak: relative change of the Min-40% membership AUC between forget and holdout texts,
 * unlearned model vs retrained model, in percent.
 *
 * <p>MUSE original ({@code swj0419/muse_bench metrics/privleak.py}, default here):
 * {@code AUC_MUSE = P(score_holdout < score_forget) + ½ P(=)} with score = {@code −mean} of the lowest
 * {@code int(0.4·len)} token log-probs (no {@code max(1,·)} guard: very short texts give NaN, which is
 * rejected), and {@code PrivLeak = (AUC_MUSE(u) − AUC_MUSE(r)) / AUC_MUSE(r) × 100}, with the
 * published retrained AUCs {@value #AUC_RETRAIN_NEWS} (News) and {@value #AUC_RETRAIN_BOOKS} (Books)
 * when no retrained scores are given (the original indexes {@code AUC_RETRAIN[key]} without the
 * corpus; we use the intended {@code AUC_RETRAIN[corpus][key]}). open-unlearning
 * ({@code privleak} handler): {@code auc_OU = roc_auc_score(forget 0 / holdout 1, min_k scores)},
 * {@code s = 1 − auc_OU(u)}, {@code r = 1 − auc_OU(retain)} or 0.5 without retain logs,
 * {@code PrivLeak = (s − r)/(r + 1e-10) × 100}. Spec §3.4, vector B.
 */
public final class PrivLeak {
    /** {@code forget_holdout_Min-40%} AUC of the retrained News model. */
    public static final double AUC_RETRAIN_NEWS = 0.4772;
    /** {@code forget_holdout_Min-40%} AUC of the retrained Books model. */
    public static final double AUC_RETRAIN_BOOKS = 0.5393;

    private PrivLeak() {}

    /** MUSE-original Min-40% score of one text (token log-probs after BOS); NaN when {@code int(0.4·len) = 0}. */
    public static double museMinKScore(double[] logProbs, double k) {
        int nk = (int) (logProbs.length * k);
        if (nk == 0) {
            return Double.NaN;
        }
        double[] sorted = logProbs.clone();
        Arrays.sort(sorted);
        return -NumpySum.mean(Arrays.copyOf(sorted, nk));
    }

    /** {@code AUC_MUSE = P(holdout < forget) + ½ P(=)} from per-text scores. */
    public static double aucMuse(double[] forgetScores, double[] holdoutScores) {
        return RocAuc.auc(holdoutScores, forgetScores);
    }

    /** MUSE-original PrivLeak from the two AUC_MUSE values, in percent. */
    public static double museOriginal(double aucMuseUnlearned, double aucMuseRetrained) {
        return (aucMuseUnlearned - aucMuseRetrained) / aucMuseRetrained * 100.0;
    }

    /** OU PrivLeak from {@code roc_auc_score} values; {@code aucOuRetain} NaN means "no retain logs" (ref 0.5). */
    public static double ou(double aucOuUnlearned, double aucOuRetain) {
        double s = 1 - aucOuUnlearned;
        double r = Double.isNaN(aucOuRetain) ? 0.5 : 1 - aucOuRetain;
        return (s - r) / (r + 1e-10) * 100.0;
    }

    /** OU {@code rel_diff}: the same formula without the {@code 1 −} flips. */
    public static double ouRelDiff(double aucOuUnlearned, double aucOuRetain) {
        return (aucOuUnlearned - aucOuRetain) / (aucOuRetain + 1e-10) * 100.0;
    }

    /** OU's Min-K% score (with the {@code max(1,·)} guard), for the OU variant's AUC. */
    public static double ouMinKScore(double[] logProbs, double k) {
        return MiaAttack.minKScore(logProbs, k);
    }
}

package dev.unlearn.eval.tofu;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.eval.stats.HarmonicMean;
import dev.unlearn.eval.stats.NumpySum;

/**
 * The TOFU per-sample and aggregate formulas on mean losses, in {@code aggregate_eval_stat.py}'s order
 * of operations (numpy pairwise means), with the open-unlearning variants beside them.
 *
 * <p>Reference matched: {@code locuslab/tofu@bdc209e aggregate_eval_stat.py}, OU
 * {@code src/evals/metrics/memorization.py} ({@code probability_w_options}, {@code truth_ratio});
 * spec §2.3–2.7. Inputs are arrays aligned by sample (callers align by key first).
 */
public final class TofuFormulas {
    /** Epsilon that open-unlearning adds to denominators. */
    public static final double OU_EPSILON = 1e-10;

    /** Names of the nine Model Utility components, in {@code aggregate_eval_stat.py} order. */
    public static final String[] MODEL_UTILITY_COMPONENTS = {
        "ROUGE Real Authors", "Prob. Real Authors", "Truth Ratio Real Authors",
        "ROUGE Real World", "Prob. Real World", "Truth Ratio Real World",
        "ROUGE Retain", "Prob. Retain", "Truth Ratio Retain"};

    private TofuFormulas() {}

    /** Retain/Forget Prob.: {@code mean_i exp(−L_i)} (§2.3, vector A2). */
    public static double probability(double[] avgGtLoss) {
        double[] p = new double[avgGtLoss.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(-avgGtLoss[i]);
        }
        return NumpySum.mean(p);
    }

    /** Per-sample multiple-choice probability {@code p/(p + Σ_j q_j + eps)} (§2.3). */
    public static double[] probabilityWithOptionsPerSample(double[] avgGtLoss, double[][] avgPerturbLoss, double eps) {
        checkAligned(avgGtLoss.length, avgPerturbLoss.length, "avg_gt_loss", "average_perturb_loss");
        double[] out = new double[avgGtLoss.length];
        for (int i = 0; i < out.length; i++) {
            double p = Math.exp(-avgGtLoss[i]);
            double all = p;
            for (double q : avgPerturbLoss[i]) {
                all += Math.exp(-q);
            }
            out[i] = p / (eps == 0 ? all : all + eps);
        }
        return out;
    }

    /** Real Authors / Real World Prob.: {@code mean_i p_i/(p_i + Σ_j q_ij)} (§2.3, vector A3). */
    public static double probabilityWithOptions(double[] avgGtLoss, double[][] avgPerturbLoss) {
        return NumpySum.mean(probabilityWithOptionsPerSample(avgGtLoss, avgPerturbLoss, 0.0));
    }

    /** OU {@code probability_w_options} with {@code +1e-10} in the denominator. */
    public static double probabilityWithOptionsOu(double[] avgGtLoss, double[][] avgPerturbLoss) {
        return NumpySum.mean(probabilityWithOptionsPerSample(avgGtLoss, avgPerturbLoss, OU_EPSILON));
    }

    /**
     * {@code c_i = exp(mean_j pert_ij − para_i)}, the quantity {@code aggregate_eval_stat.py} works
     * with ({@code c = 1/R}); this is what Forget Quality's KS test receives.
     */
    public static double[] inverseTruthRatio(double[] para, double[][] pert) {
        checkAligned(para.length, pert.length, "avg_paraphrased_loss", "average_perturb_loss");
        double[] c = new double[para.length];
        for (int i = 0; i < c.length; i++) {
            if (pert[i].length == 0) {
                throw new InvalidInputException("sample at position " + i + " has no perturbed answer loss");
            }
            c[i] = Math.exp(NumpySum.mean(pert[i]) - para[i]);
        }
        return c;
    }

    /** Per-sample truth ratio {@code R_i = exp(para_i − mean_j pert_ij)}, the log field {@code truth_ratio} (§2.5). */
    public static double[] truthRatio(double[] para, double[][] pert) {
        double[] r = new double[para.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.exp(para[i] - NumpySum.mean(pert[i]));
        }
        return r;
    }

    /** Forget aggregate {@code mean_i min(c_i, 1/c_i)} from {@code c = 1/R} (§2.5). */
    public static double truthRatioForget(double[] c) {
        double[] v = new double[c.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.min(c[i], 1 / c[i]);
        }
        return NumpySum.mean(v);
    }

    /** Retain/RA/WF aggregate {@code mean_i max(0, 1 − 1/c_i)} from {@code c = 1/R} (§2.5). */
    public static double truthRatioRetain(double[] c) {
        double[] v = new double[c.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0, 1 - 1 / c[i]);
        }
        return NumpySum.mean(v);
    }

    /** OU per-sample score {@code wrong/(correct + 1e-10)} with {@code correct = exp(−para)}, {@code wrong = exp(−mean pert)}. */
    public static double[] truthRatioOu(double[] para, double[][] pert) {
        double[] r = new double[para.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.exp(-NumpySum.mean(pert[i])) / (Math.exp(-para[i]) + OU_EPSILON);
        }
        return r;
    }

    /** OU aggregator {@code closer_to_1_better}: {@code mean min(R, 1/(R + 1e-10))}. */
    public static double closerToOneBetter(double[] r) {
        double[] v = new double[r.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.min(r[i], 1 / (r[i] + OU_EPSILON));
        }
        return NumpySum.mean(v);
    }

    /** OU aggregator {@code true_better}: {@code mean max(0, 1 − R)}. */
    public static double trueBetter(double[] r) {
        double[] v = new double[r.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0, 1 - r[i]);
        }
        return NumpySum.mean(v);
    }

    /** OU aggregator {@code prob_mean} (PR #163): {@code mean correct/(correct + wrong + 1e-10)}. */
    public static double probMean(double[] para, double[][] pert) {
        double[] v = new double[para.length];
        for (int i = 0; i < v.length; i++) {
            double correct = Math.exp(-para[i]);
            double wrong = Math.exp(-NumpySum.mean(pert[i]));
            v[i] = correct / (correct + wrong + OU_EPSILON);
        }
        return NumpySum.mean(v);
    }

    /** ROUGE aggregate: {@code mean_i rougeL_recall_i} (§2.4). */
    public static double rouge(double[] rougeLRecall) {
        return NumpySum.mean(rougeLRecall);
    }

    /**
     * Model Utility: harmonic mean of the nine components named in {@link #MODEL_UTILITY_COMPONENTS}
     * (§2.7, vector A7). Zero if any component is zero; negative or NaN components are rejected.
     */
    public static double modelUtility(double[] nine) {
        if (nine.length != 9) {
            throw new InvalidInputException("Model Utility needs 9 components " + String.join(", ", MODEL_UTILITY_COMPONENTS)
                    + "; got " + nine.length);
        }
        return HarmonicMean.of(MODEL_UTILITY_COMPONENTS, nine);
    }

    private static void checkAligned(int a, int b, String na, String nb) {
        if (a != b) {
            throw new InvalidInputException(na + " has " + a + " samples but " + nb + " has " + b + "; align them by sample key");
        }
    }
}

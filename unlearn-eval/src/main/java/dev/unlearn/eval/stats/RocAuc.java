package dev.unlearn.eval.stats;

import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Area under the ROC curve between two score sets, ties counted as one half, plus the ROC points.
 *
 * <p>Reference matched: {@code sklearn.metrics.roc_auc_score(labels, scores)} with label 0 for the
 * negative set and 1 for the positive set, which equals the Mann–Whitney probability
 * {@code P(s_pos > s_neg) + ½·P(s_pos = s_neg)} over all pairs (spec §4.1, vector C-AUC). Counting is
 * exact in integers ({@code 2·greater + equal}) after one sort, so the result does not depend on
 * summation order.
 */
public final class RocAuc {
    /** One ROC point at a threshold: scores {@code ≥ threshold} are called positive. */
    public record Point(double threshold, double falsePositiveRate, double truePositiveRate) {}

    private RocAuc() {}

    /**
     * AUC with ties as half.
     *
     * @param negative scores of label 0 (e.g. the forget set in the MIA convention)
     * @param positive scores of label 1 (e.g. the holdout set)
     * @return {@code P(pos > neg) + ½ P(pos = neg)}
     */
    public static double auc(double[] negative, double[] positive) {
        check(negative, "negative (label 0)");
        check(positive, "positive (label 1)");
        double[] pos = normalised(positive);
        Arrays.sort(pos);
        long twice = 0;
        for (double s : negative) {
            double v = s == 0.0 ? 0.0 : s;
            int lo = lowerBound(pos, v);
            int hi = upperBound(pos, v);
            twice += 2L * (pos.length - hi) + (hi - lo);
        }
        return twice / (2.0 * negative.length * (double) pos.length);
    }

    /**
     * ROC curve as sklearn's {@code roc_curve} without dropping collinear points: (0,0) first, then one
     * point per distinct score in descending order.
     */
    public static List<Point> curve(double[] negative, double[] positive) {
        check(negative, "negative (label 0)");
        check(positive, "positive (label 1)");
        double[] neg = normalised(negative);
        double[] pos = normalised(positive);
        Arrays.sort(neg);
        Arrays.sort(pos);
        double[] all = new double[neg.length + pos.length];
        System.arraycopy(neg, 0, all, 0, neg.length);
        System.arraycopy(pos, 0, all, neg.length, pos.length);
        Arrays.sort(all);
        List<Point> points = new ArrayList<>();
        points.add(new Point(Double.POSITIVE_INFINITY, 0.0, 0.0));
        for (int k = all.length - 1; k >= 0; k--) {
            if (k < all.length - 1 && all[k] == all[k + 1]) {
                continue;
            }
            double t = all[k];
            double fpr = (double) (neg.length - lowerBound(neg, t)) / neg.length;
            double tpr = (double) (pos.length - lowerBound(pos, t)) / pos.length;
            points.add(new Point(t, fpr, tpr));
        }
        return points;
    }

    private static void check(double[] v, String which) {
        if (v == null || v.length == 0) {
            throw new InvalidInputException("AUC: the " + which + " score set is empty");
        }
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                throw new InvalidInputException("AUC: the " + which + " score set holds NaN at position " + i);
            }
        }
    }

    private static double[] normalised(double[] v) {
        double[] c = v.clone();
        for (int i = 0; i < c.length; i++) {
            c[i] = c[i] == 0.0 ? 0.0 : c[i];
        }
        return c;
    }

    private static int lowerBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}

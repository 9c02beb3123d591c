package dev.unlearn.eval.tofu;

import dev.unlearn.core.InvalidInputException;

/**
 * Exact Memorization and Extraction Strength of open-unlearning, per sample, from arg-max predictions
 * and target tokens at the §1.4 positions (EOS excluded).
 *
 * <p>Reference matched: OU {@code src/evals/metrics/memorization.py} ({@code exact_memorization},
 * {@code extraction_strength}); spec §2.9, vector A8. {@code EM = #(preds == labels)/n}, NaN (the
 * reference's {@code None}, excluded from the mean) when {@code n = 0}. {@code ES = 1 − k/n} with
 * {@code k} the smallest index in {@code [0, n)} such that {@code preds[k:] == labels[k:]}; when no
 * suffix matches the reference loop ends at {@code k = n−1} and ES is {@code 1/n} (quirk kept);
 * {@code ES = 0} when {@code n = 0}.
 */
public final class Memorization {
    private Memorization() {}

    /** EM of one sample; NaN when there are no target tokens. */
    public static double exactMemorization(int[] preds, int[] labels) {
        check(preds, labels);
        if (labels.length == 0) {
            return Double.NaN;
        }
        int hit = 0;
        for (int i = 0; i < labels.length; i++) {
            if (preds[i] == labels[i]) {
                hit++;
            }
        }
        return (double) hit / labels.length;
    }

    /** ES of one sample, with the reference's {@code 1/n} value when no suffix matches. */
    public static double extractionStrength(int[] preds, int[] labels) {
        check(preds, labels);
        int n = labels.length;
        if (n == 0) {
            return 0.0;
        }
        int k;
        for (k = 0; k < n; k++) {
            if (suffixEqual(preds, labels, k)) {
                break;
            }
        }
        if (k == n) {
            k = n - 1;
        }
        return 1.0 - (double) k / n;
    }

    private static boolean suffixEqual(int[] a, int[] b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    private static void check(int[] preds, int[] labels) {
        if (preds.length != labels.length) {
            throw new InvalidInputException("predictions (" + preds.length + ") and labels (" + labels.length + ") differ in length");
        }
    }
}

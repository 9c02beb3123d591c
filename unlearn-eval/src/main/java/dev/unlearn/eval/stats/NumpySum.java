package dev.unlearn.eval.stats;

/**
 * Sums and means in numpy's order of operations, so that aggregates of logged per-sample values
 * reproduce the reference Python scripts to the last bit.
 *
 * <p>Reference matched: numpy 1.24/2.x {@code DOUBLE_pairwise_sum} ({@code loops_utils.h.src}): fewer
 * than 8 values are added left to right; up to {@value #BLOCK} values use eight interleaved
 * accumulators combined as {@code ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))}; longer runs split at
 * {@code n/2} rounded down to a multiple of 8. A float reduction starts from the identity 0.0.
 * {@code np.mean(a) = sum(a)/n}.
 */
public final class NumpySum {
    /** numpy's {@code PW_BLOCKSIZE}. */
    public static final int BLOCK = 128;

    private NumpySum() {}

    /** {@code np.sum(a)} for a contiguous float64 array. */
    public static double sum(double[] a) {
        return 0.0 + pairwise(a, 0, a.length);
    }

    /** {@code np.mean(a)}; NaN for an empty array, as numpy (with a warning). */
    public static double mean(double[] a) {
        return sum(a) / a.length;
    }

    static double pairwise(double[] a, int off, int n) {
        if (n < 8) {
            double res = 0.0;
            for (int i = 0; i < n; i++) {
                res += a[off + i];
            }
            return res;
        }
        if (n <= BLOCK) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) {
                r[j] = a[off + j];
            }
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[off + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[off + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return pairwise(a, off, n2) + pairwise(a, off + n2, n - n2);
    }
}

package dev.unlearn.eval.stats;

import dev.unlearn.core.InvalidInputException;

/**
 * Harmonic mean as {@code scipy.stats.hmean} computes it for TOFU Model Utility.
 *
 * <p>Reference matched: scipy 1.10/1.17 {@code hmean}; spec §2.7. {@code hmean(v) = n / Σ 1/v_i}, in
 * scipy's operations: {@code 1.0 / np.mean(1.0 / v)} (1.10: {@code np.average}, 1.17: {@code xp.mean}),
 * numpy's pairwise sum ({@link NumpySum}) divided by n, then inverted; bitwise equal to scipy 1.17.1
 * on 2,000 random vectors of 1 to 14 values (writing {@code n / Σ} with a left-to-right sum differed
 * by up to 4 ulp in 29% of them). Any zero component gives 0 (scipy returns 0.0); a negative or NaN
 * component is rejected (scipy 1.10 raises, 1.17 returns NaN).
 */
public final class HarmonicMean {
    private HarmonicMean() {}

    /**
     * Harmonic mean of non-negative values.
     *
     * @param names a name per value for error messages
     * @param values the values
     * @return the harmonic mean, 0 when any value is 0
     */
    public static double of(String[] names, double[] values) {
        if (values.length == 0) {
            throw new InvalidInputException("harmonic mean of no values");
        }
        double[] inverse = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (Double.isNaN(v) || v < 0) {
                throw new InvalidInputException("harmonic mean: component " + names[i] + " is " + v
                        + "; every component must be a non-negative number");
            }
            if (v == 0.0) {
                return 0.0;
            }
            inverse[i] = 1.0 / v;
        }
        return 1.0 / NumpySum.mean(inverse);
    }
}

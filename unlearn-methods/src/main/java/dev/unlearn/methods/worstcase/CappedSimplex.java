package dev.unlearn.methods.worstcase;

import java.util.Arrays;

/**
 * Euclidean projection onto the capped simplex {@code S = { w ∈ [0,1]^N : Σ w_i = m }}
 * (methods.md §10.1): {@code Proj_S(v) = clip(v − μ, 0, 1)} with μ solving
 * {@code f(μ) = Σ_i clip(v_i − μ, 0, 1) = m}.
 *
 * <ul>
 *   <li>{@link #exact} [OURS, default]: f is non-increasing and piecewise linear with breakpoints
 *       {@code v_i − 1} and {@code v_i}; sort them, find the segment where f crosses m, interpolate.</li>
 *   <li>{@link #bisection} [REF WC-repo {@code utils.bisection}]: bisection on
 *       {@code [min(v) − 1, max(v)]} comparing the sign of {@code f(mid) − m} with that at the lower end,
 *       bracket tolerance 1e−5, at most 100 iterations, returning {@code clip(v − mid)} of the last
 *       midpoint, so the sum matches m only up to the tolerance.</li>
 * </ul>
 */
public final class CappedSimplex {
    /** Bracket-width tolerance of the reference bisection. */
    public static final double BISECTION_TOLERANCE = 1e-5;
    /** Iteration cap of the reference bisection. */
    public static final int BISECTION_MAX_ITER = 100;

    private CappedSimplex() {}

    /**
     * A projection result.
     *
     * @param w the projected weights
     * @param mu the shift μ
     * @param iterations bisection iterations (0 for the exact method)
     */
    public record Projection(double[] w, double mu, int iterations) {}

    /** {@code Σ clip(v_i − μ, 0, 1)}. */
    public static double mass(double[] v, double mu) {
        double s = 0;
        for (double x : v) {
            s += Math.min(1, Math.max(0, x - mu));
        }
        return s;
    }

    /** {@code clip(v − μ, 0, 1)}. */
    public static double[] clip(double[] v, double mu) {
        double[] w = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            w[i] = Math.min(1, Math.max(0, v[i] - mu));
        }
        return w;
    }

    /** Exact projection. */
    public static Projection exact(double[] v, double m) {
        checkSize(v, m);
        int n = v.length;
        double[] bp = new double[2 * n];
        for (int i = 0; i < n; i++) {
            bp[2 * i] = v[i] - 1;
            bp[2 * i + 1] = v[i];
        }
        Arrays.sort(bp);
        double prevMu = bp[0];
        double prevF = mass(v, prevMu); // = n ≥ m
        if (prevF == m) {
            return new Projection(clip(v, prevMu), prevMu, 0);
        }
        for (int k = 1; k < bp.length; k++) {
            double mu = bp[k];
            double f = mass(v, mu);
            if (f <= m) {
                double at = f == prevF ? mu : prevMu + (prevF - m) * (mu - prevMu) / (prevF - f);
                return new Projection(clip(v, at), at, 0);
            }
            prevMu = mu;
            prevF = f;
        }
        double last = bp[bp.length - 1];
        return new Projection(clip(v, last), last, 0);
    }

    /** The reference bisection. */
    public static Projection bisection(double[] v, double m) {
        checkSize(v, m);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            lo = Math.min(lo, x - 1);
            hi = Math.max(hi, x);
        }
        double mid = (lo + hi) / 2;
        int it = 0;
        while (Math.abs(hi - lo) > BISECTION_TOLERANCE) {
            mid = (hi + lo) / 2;
            double gMid = mass(v, mid) - m;
            double gLo = mass(v, lo) - m;
            if (gMid == 0 || it >= BISECTION_MAX_ITER) {
                break;
            }
            if (Math.signum(gMid) == Math.signum(gLo)) {
                lo = mid;
            } else {
                hi = mid;
            }
            it++;
        }
        return new Projection(clip(v, mid), mid, it);
    }

    private static void checkSize(double[] v, double m) {
        if (v.length == 0 || !(m >= 0 && m <= v.length)) {
            throw new IllegalArgumentException("target size m = " + m + " must lie in 0 … N = " + v.length);
        }
    }
}

package dev.unlearn.methods.worstcase;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The upper-level update of the worst-case search (methods.md §10.1, §10.2) [REF WC-repo
 * {@code data-wise/main_selmu.py}]: with the implicit term dropped (sign-SGD unrolling gives it zero
 * derivative),
 *
 * <pre>
 *   ∂J/∂w_i ≈ ℓ(θ*(w); z_i) + 2γ_w·w_i
 *   w ← Proj_S( w − η_w · (ℓ + 2γ_w · w) ),   J = Σ_i w_i · ℓ_i (recorded with the new w)
 * </pre>
 *
 * Paper: Fan et al., "Challenging Forgets: Unveiling the Worst-Case Forget Sets in Machine Unlearning",
 * <a href="https://arxiv.org/abs/2403.07362">arXiv:2403.07362</a>.
 */
public final class UpperLevel {
    private UpperLevel() {}

    /**
     * One update's result.
     *
     * @param w the projected weights
     * @param objective {@code J = Σ w_i ℓ_i} with the new w
     * @param mu the projection shift
     */
    public record Step(double[] w, double objective, double mu) {}

    /** One projected gradient step. */
    public static Step step(double[] w, double[] losses, int m, double lr, double l2,
            WorstCaseConfig.Projection projection) {
        if (w.length != losses.length) {
            throw new IllegalArgumentException("w has " + w.length + " entries but losses " + losses.length);
        }
        double[] v = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            v[i] = w[i] - lr * (losses[i] + 2 * l2 * w[i]);
        }
        CappedSimplex.Projection p = projection == WorstCaseConfig.Projection.EXACT
                ? CappedSimplex.exact(v, m) : CappedSimplex.bisection(v, m);
        double j = 0;
        for (int i = 0; i < w.length; i++) {
            j += p.w()[i] * losses[i];
        }
        return new Step(p.w(), j, p.mu());
    }

    /** Indices of the m largest weights (ties: lower index first), sorted ascending. */
    public static int[] topM(double[] w, int m) {
        return IntStream.range(0, w.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -w[i]).thenComparingInt(i -> i))
                .limit(m).mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The 0/1 indicator of {@link #topM}. */
    public static double[] binarize(double[] w, int m) {
        double[] b = new double[w.length];
        for (int i : topM(w, m)) {
            b[i] = 1;
        }
        return b;
    }

    /** Items in {@code after} but not in {@code before} (sorted index sets). */
    public static int swaps(int[] before, int[] after) {
        return (int) Arrays.stream(after).filter(i -> Arrays.binarySearch(before, i) < 0).count();
    }
}

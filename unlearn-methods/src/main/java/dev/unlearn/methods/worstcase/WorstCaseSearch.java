package dev.unlearn.methods.worstcase;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The outer loop of the bi-level worst-case forget-set search (methods.md §10.2) [REF WC-repo
 * data-wise; LLM adaptation OURS]. The lower level (restore θ_0, run the unlearning method with
 * per-item weights w, score every pool item's {@code NLL_mean}) is a callback, so the loop is testable
 * without a model and the CLI wires it to core's training loop and scoring.
 *
 * <p>Caveat: with the implicit gradient dropped, the search is a swap heuristic around the initial
 * set; compare against several random sets.
 */
public final class WorstCaseSearch {
    private WorstCaseSearch() {}

    /** Runs the lower level for weights w and returns the per-item loss ℓ_i under θ*(w). */
    @FunctionalInterface
    public interface LowerLevel {
        double[] unlearnAndScore(double[] w, int iteration);
    }

    /**
     * Per-iteration record.
     *
     * @param iteration u
     * @param objective J_u
     * @param swaps items entering the top-m set this iteration
     * @param wallMillis wall time of the iteration
     */
    public record Iteration(int iteration, double objective, int swaps, long wallMillis) {}

    /**
     * @param selected indices of the final forget set (top-m of the final w)
     * @param w the final weights
     * @param iterations per-iteration records
     */
    public record Result(int[] selected, double[] w, List<Iteration> iterations) {}

    /** The initial w: a seeded random m-subset indicator, or uniform m/N. */
    public static double[] initialWeights(int n, int m, WorstCaseConfig.Init init, long seed) {
        double[] w = new double[n];
        if (init == WorstCaseConfig.Init.UNIFORM) {
            java.util.Arrays.fill(w, (double) m / n);
            return w;
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        for (int i = 0; i < m; i++) {
            w[idx[i]] = 1;
        }
        return w;
    }

    /** Runs the search over a pool of {@code n} items (or entities). */
    public static Result run(int n, WorstCaseConfig c, long seed, LowerLevel lower) {
        int m = c.targetSize(n);
        double[] w = initialWeights(n, m, c.init(), seed);
        int[] top = UpperLevel.topM(w, m);
        List<Iteration> log = new ArrayList<>();
        for (int u = 0; u < c.iterations(); u++) {
            long t0 = System.nanoTime();
            double[] losses = lower.unlearnAndScore(w.clone(), u);
            UpperLevel.Step s = UpperLevel.step(w, losses, m, c.wLr(), c.wL2(), c.projection());
            w = s.w();
            int[] next = UpperLevel.topM(w, m);
            log.add(new Iteration(u, s.objective(), UpperLevel.swaps(top, next), (System.nanoTime() - t0) / 1_000_000));
            top = next;
            if ((u + 1) % c.effectiveBinarizeEvery() == 0) {
                w = UpperLevel.binarize(w, m);
            }
        }
        return new Result(UpperLevel.topM(w, m), w, List.copyOf(log));
    }
}

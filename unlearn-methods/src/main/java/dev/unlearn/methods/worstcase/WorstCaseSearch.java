package dev.unlearn.methods.worstcase;

import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.methods.spi.MethodConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The outer loop of the bi-level worst-case forget-set search (methods.md §10.2) [REF WC-repo
 * data-wise; LLM adaptation OURS]. The lower level (restore θ_0, run the unlearning method with
 * per-item weights w, score every pool item's {@code NLL_mean}) is a callback, so the loop is testable
 * without a model; {@link #search} wires it to a {@link CausalLm} through {@link WorstCaseProblem}
 * and {@link ModelLowerLevel}.
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
     * @param objective J_u = Σ w'_i ℓ_i with the updated w' (the reference's record)
     * @param evaluated Σ w_i ℓ_i with the w the lower level ran with: for a binary w, the summed
     *     post-unlearning loss of that forget set (lower = more of it survives)
     * @param binary whether the evaluated w was binary (a definite forget set)
     * @param swaps items entering the top-m set this iteration
     * @param wallMillis wall time of the iteration
     */
    public record Iteration(int iteration, double objective, double evaluated, boolean binary, int swaps,
            long wallMillis) {}

    /**
     * @param selected indices of the final forget set (top-m of the final w, or the best evaluated
     *     binary set with {@code keep_best})
     * @param w the final weights (with {@code keep_best}: the weights of the chosen iteration)
     * @param iterations per-iteration records
     * @param chosenIteration the iteration whose set was returned, or −1 for the final w
     */
    public record Result(int[] selected, double[] w, List<Iteration> iterations, int chosenIteration) {}

    /**
     * The outcome of a search on a model.
     *
     * @param selectedIds pool item ids of the selected forget set, in pool order
     * @param itemWeights final w per pool item id (at entity level, the entity's weight)
     * @param selectedUnits selected unit names (item ids, or entities at entity level)
     * @param selectedUnitIndices their indices in {@link WorstCaseProblem#units()}
     * @param unitWeights final w per unit
     * @param trace per-iteration J, swaps and wall time
     * @param targetSize m, in units
     * @param entityLevel whether units are entities
     * @param wallSeconds wall time of the whole search
     * @param chosenIteration the iteration whose evaluated set was returned ({@code keep_best}), or −1
     */
    public record Selection(List<String> selectedIds, Map<String, Double> itemWeights, List<String> selectedUnits,
            int[] selectedUnitIndices, double[] unitWeights, List<Iteration> trace, int targetSize, boolean entityLevel,
            double wallSeconds, int chosenIteration) {
        /** Mean wall time of one outer iteration (lower-level run plus scoring), in seconds. */
        public double secondsPerIteration() {
            return trace.stream().mapToLong(Iteration::wallMillis).average().orElse(0) / 1000.0;
        }
    }

    /**
     * Searches the worst-case forget set of {@code pool} for {@code method} on {@code model}; the model's
     * weights are the same afterwards. Deterministic for a fixed seed (same thread count).
     *
     * @param entities per-item entity for {@code entity_level: true}, else ignored (may be null)
     */
    public static Selection search(CausalLm model, List<TokenizedExample> pool, List<String> entities, String method,
            MethodConfig methodConfig, WorstCaseConfig config, ModelLowerLevel.Settings lower, long seed) {
        try (WorstCaseProblem p = WorstCaseProblem.open(model, pool, config.entityLevel() ? entities : null, method,
                methodConfig, lower, seed)) {
            return p.search(config, seed);
        }
    }

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
        Batches.shuffle(idx, r);
        for (int i = 0; i < m; i++) {
            w[idx[i]] = 1;
        }
        return w;
    }

    /**
     * Runs the search over a pool of {@code n} items (or entities). With {@code keep_best} [OURS] the
     * binary set with the lowest evaluated objective is returned (the reference returns the top-m of the
     * final w): since the implicit gradient is dropped, the plain iteration can leave a good set (the
     * swap heuristic of methods.md §10.4), and every evaluated binary set's objective is exact under the
     * lower level, so the best one is at least as hard to erase as the initial random set. Together with
     * {@code outside_loss: remembered}, a non-improving iteration steps again from the best set (a local
     * search: the newcomers of a failed proposal are charged at least that set's mean loss, so the next
     * proposal differs). When it proposes the best or the just-evaluated set again, one item never tried replaces the set's
     * highest-loss item (seeded order); with every item tried, the search stops early.
     */
    public static Result run(int n, WorstCaseConfig c, long seed, LowerLevel lower) {
        int m = c.targetSize(n);
        double[] w = initialWeights(n, m, c.init(), seed);
        int[] top = UpperLevel.topM(w, m);
        List<Iteration> log = new ArrayList<>();
        double bestJ = Double.POSITIVE_INFINITY;
        double[] bestW = null;
        int bestU = -1;
        double[] seen = new double[n];
        java.util.Arrays.fill(seen, Double.NaN);
        int[] explore = UpperLevel.topM(initialWeights(n, n, WorstCaseConfig.Init.RANDOM_BINARY, seed), n);
        Batches.shuffle(explore, new SplittableRandom(seed ^ 0x5EEDL));
        for (int u = 0; u < c.iterations(); u++) {
            long t0 = System.nanoTime();
            double[] evaluatedW = w.clone();
            double[] losses = lower.unlearnAndScore(w.clone(), u);
            boolean binary = isBinary(w);
            double evaluated = 0;
            for (int i = 0; i < n; i++) {
                evaluated += w[i] * losses[i];
            }
            double[] upper = c.rememberOutside() ? remembered(w, losses, seen) : losses;
            if (binary && evaluated < bestJ) {
                bestJ = evaluated;
                bestW = w.clone();
                bestU = u;
            } else if (c.keepBest() && c.rememberOutside() && bestW != null) {
                // no improvement: blame the newcomers (at least the failed set's mean loss), then step again
                // from the best set; the losses just seen change the proposal, so it does not repeat
                double failedMean = evaluated / m;
                for (int i = 0; i < n; i++) {
                    if (w[i] == 1 && bestW[i] == 0) {
                        seen[i] = Math.max(seen[i], failedMean);
                    }
                }
                w = bestW.clone();
                upper = remembered(w, upperFromSeen(w, seen), seen);
            }
            UpperLevel.Step s = UpperLevel.step(w, upper, m, c.wLr(), c.wL2(), c.projection());
            w = s.w();
            int[] next = UpperLevel.topM(w, m);
            log.add(new Iteration(u, s.objective(), evaluated, binary, UpperLevel.swaps(top, next),
                    (System.nanoTime() - t0) / 1_000_000));
            top = next;
            if ((u + 1) % c.effectiveBinarizeEvery() == 0) {
                w = UpperLevel.binarize(w, m);
            }
            if (c.keepBest() && c.rememberOutside() && bestW != null
                    && (java.util.Arrays.equals(w, bestW) || java.util.Arrays.equals(w, evaluatedW))) {
                // the local search proposes the best (or the same) set again: try an item never in the set in place of the
                // set's highest-loss item; with none left, it has converged and further iterations repeat it
                int fresh = firstUnseen(seen, w, explore);
                if (fresh < 0) {
                    break;
                }
                int worst = -1;
                for (int i = 0; i < n; i++) {
                    if (w[i] == 1 && (worst < 0 || seen[i] > seen[worst])) {
                        worst = i;
                    }
                }
                w = w.clone();
                w[worst] = 0;
                w[fresh] = 1;
            }
        }
        if (c.keepBest() && bestW != null) {
            return new Result(UpperLevel.topM(bestW, m), bestW, List.copyOf(log), bestU);
        }
        return new Result(UpperLevel.topM(w, m), w, List.copyOf(log), -1);
    }

    /**
     * {@code outside_loss: remembered} [OURS]: an item the lower level trained as retain data (w_i = 0)
     * shows a low loss because it was retained, not because it resists unlearning, and the dropped implicit
     * term would have corrected that (methods.md §10.4 caveat). Instead use the loss it had the last time it
     * was in the forget set (w_i = 1), or, never having been, the mean loss of the current forget set. Items
     * with a fractional weight keep their current loss. Updates {@code seen} with the forget set's losses.
     */
    static double[] remembered(double[] w, double[] losses, double[] seen) {
        double inSum = 0;
        int in = 0;
        for (int i = 0; i < w.length; i++) {
            if (w[i] == 1) {
                seen[i] = losses[i];
                inSum += losses[i];
                in++;
            }
        }
        double prior = in == 0 ? Double.NaN : inSum / in;
        double[] out = losses.clone();
        for (int i = 0; i < w.length; i++) {
            if (w[i] == 0 && in > 0) {
                out[i] = Double.isNaN(seen[i]) ? prior : seen[i];
            }
        }
        return out;
    }

    /** The first item of {@code order} that was never in the set and is not in it now, or −1. */
    private static int firstUnseen(double[] seen, double[] w, int[] order) {
        for (int i : order) {
            if (Double.isNaN(seen[i]) && w[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Losses of the forget set of {@code w} as last seen (for a restart from the best set). */
    private static double[] upperFromSeen(double[] w, double[] seen) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] == 1 ? seen[i] : 0;
        }
        return out;
    }

    private static boolean isBinary(double[] w) {
        for (double x : w) {
            if (x != 0 && x != 1) {
                return false;
            }
        }
        return true;
    }
}

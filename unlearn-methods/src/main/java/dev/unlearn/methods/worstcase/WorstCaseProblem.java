package dev.unlearn.methods.worstcase;

import dev.unlearn.core.Progress;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.score.Scorer;
import dev.unlearn.methods.spi.MethodConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A worst-case forget-set search bound to a model, a candidate pool and a method (methods.md §10.4):
 * the selection units (pool items, or entities at entity level), the weighted objective and the
 * {@link ModelLowerLevel}. {@link #search} runs the bi-level search; {@link #compare} unlearns a chosen
 * set and {@code K} random sets of the same size with the same lower-level budget and reports how much
 * of each set survives. Closing restores the model's original weights.
 *
 * <p>Entity level: one weight {@code w_e} per entity; every item of entity e enters the lower level with
 * {@code w_e}; the unit loss is the mean of its items' {@code NLL_mean}.
 */
public final class WorstCaseProblem implements AutoCloseable {
    private final List<TokenizedExample> pool;
    private final boolean entityLevel;
    private final List<String> unitNames = new ArrayList<>();
    private final int[] unitOf;
    private final List<int[]> itemsOf = new ArrayList<>();
    private final ModelLowerLevel lower;
    private final double setupSeconds;
    private double[] before;

    private WorstCaseProblem(CausalLm model, List<TokenizedExample> pool, List<String> entities, String method,
            MethodConfig methodConfig, ModelLowerLevel.Settings settings, long seed) {
        long t0 = System.nanoTime();
        this.pool = List.copyOf(pool);
        this.entityLevel = entities != null;
        this.unitOf = new int[pool.size()];
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < pool.size(); i++) {
            String key;
            if (entityLevel) {
                key = entities.get(i);
                if (key == null || key.isBlank()) {
                    throw new InvalidInputException("Entity-level worst-case search: pool record " + pool.get(i).id()
                            + " has no entity (field 'author'); add it or search at item level.");
                }
            } else {
                key = pool.get(i).id();
                if (groups.containsKey(key)) {
                    throw new InvalidInputException("Worst-case pool: record id " + key + " occurs twice; ids must be"
                            + " unique (drop the duplicate row).");
                }
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
            int u = unitNames.size();
            unitNames.add(g.getKey());
            int[] items = g.getValue().stream().mapToInt(Integer::intValue).toArray();
            itemsOf.add(items);
            for (int i : items) {
                unitOf[i] = u;
            }
        }
        Map<String, Double> refNll = null;
        if (WeightedObjective.weightedLoss(method, methodConfig).needsReferenceNllSum()) {
            // π_ref = θ_0: NPO's reference NLL_sum per pool item, computed once before any update
            refNll = new LinkedHashMap<>();
            for (var s : Scorer.score(model, this.pool, Math.max(16, settings.batchSize()))) {
                refNll.put(s.id(), s.sumNll());
            }
        }
        WeightedObjective objective = WeightedObjective.forMethod(method, methodConfig, refNll);
        this.lower = new ModelLowerLevel(model, this.pool, objective, settings, seed);
        this.setupSeconds = (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Binds a search.
     *
     * @param model the model to unlearn from (θ_0 = its current weights; restored by {@link #close})
     * @param pool the tokenized candidate pool, ids unique
     * @param entities the entity of every pool item (same order) for an entity-level search, or null for
     *     item level
     * @param method a method with a weighted loss ({@link WeightedObjective#supported()})
     * @param methodConfig its bound config
     * @param settings the lower-level budget
     * @param seed shuffles of the lower level
     */
    public static WorstCaseProblem open(CausalLm model, List<TokenizedExample> pool, List<String> entities,
            String method, MethodConfig methodConfig, ModelLowerLevel.Settings settings, long seed) {
        return new WorstCaseProblem(model, pool, entities, method, methodConfig, settings, seed);
    }

    /** Selection units: item ids, or entity names at entity level, in first-appearance order. */
    public List<String> units() {
        return List.copyOf(unitNames);
    }

    public boolean entityLevel() {
        return entityLevel;
    }

    public ModelLowerLevel lowerLevel() {
        return lower;
    }

    /** Seconds spent binding (NPO reference scores, θ_0 snapshot). */
    public double setupSeconds() {
        return setupSeconds;
    }

    /** Per-item weights from per-unit weights. */
    public double[] itemWeights(double[] unitWeights) {
        double[] w = new double[pool.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = unitWeights[unitOf[i]];
        }
        return w;
    }

    /** Per-unit losses: the mean of each unit's item losses. */
    public double[] unitLosses(double[] itemLosses) {
        double[] out = new double[unitNames.size()];
        for (int u = 0; u < out.length; u++) {
            double s = 0;
            for (int i : itemsOf.get(u)) {
                s += itemLosses[i];
            }
            out[u] = s / itemsOf.get(u).length;
        }
        return out;
    }

    /** Pool item ids of a set of units, in pool order. */
    public List<String> itemIds(int[] units) {
        boolean[] in = new boolean[unitNames.size()];
        for (int u : units) {
            in[u] = true;
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            if (in[unitOf[i]]) {
                ids.add(pool.get(i).id());
            }
        }
        return ids;
    }

    /**
     * Runs the search (methods.md §10.2) over the units.
     *
     * @param config search settings ({@code size} counts units: items, or entities at entity level)
     * @param seed the initial random set
     */
    public WorstCaseSearch.Selection search(WorstCaseConfig config, long seed) {
        return search(config, seed, Progress.NONE);
    }

    /** {@link #search(WorstCaseConfig, long)}, reporting each finished outer iteration to {@code progress}. */
    public WorstCaseSearch.Selection search(WorstCaseConfig config, long seed, Progress progress) {
        if (config.entityLevel() != entityLevel) {
            throw new InvalidInputException("Config key 'entity_level' is " + config.entityLevel()
                    + " but the problem was opened " + (entityLevel ? "with" : "without") + " entities.");
        }
        long t0 = System.nanoTime();
        WorstCaseSearch.Result r = WorstCaseSearch.run(unitNames.size(), config, seed,
                (w, u) -> {
                    double[] losses = unitLosses(lower.unlearnAndScore(itemWeights(w)));
                    progress.update("worst-case search", u + 1, config.iterations(), "iteration " + (u + 1));
                    return losses;
                });
        lower.restore();
        double[] iw = itemWeights(r.w());
        Map<String, Double> weights = new LinkedHashMap<>();
        for (int i = 0; i < pool.size(); i++) {
            weights.put(pool.get(i).id(), iw[i]);
        }
        List<String> selUnits = new ArrayList<>();
        for (int u : r.selected()) {
            selUnits.add(unitNames.get(u));
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new WorstCaseSearch.Selection(itemIds(r.selected()), weights, selUnits, r.selected(), r.w(),
                r.iterations(), config.targetSize(unitNames.size()), entityLevel, secs, r.chosenIteration());
    }

    /** How one forget set fared after unlearning (statistics over the set's items). */
    public record SetOutcome(String label, int[] units, int items, double meanAnswerProbability, double meanNll,
            double meanAnswerProbabilityBefore, double meanNllBefore) {}

    /**
     * The chosen set against {@code k} random sets of the same size.
     *
     * @param chosen the chosen set's outcome
     * @param random the random sets' outcomes
     * @param randomProbability mean and sample standard deviation of the random sets' mean answer probability
     * @param randomNll the same for their mean NLL
     * @param secondsPerRun wall time of one unlearn-and-score run
     */
    public record Comparison(SetOutcome chosen, List<SetOutcome> random, Spread randomProbability, Spread randomNll,
            double secondsPerRun) {
        /** How far the chosen set's answer probability lies above the random mean, in random standard deviations. */
        public double probabilityMarginInSpreads() {
            return (chosen.meanAnswerProbability() - randomProbability.mean()) / randomProbability.std();
        }
    }

    /** Mean and sample standard deviation (n − 1). */
    public record Spread(double mean, double std, double min, double max) {
        static Spread of(double[] x) {
            double m = Arrays.stream(x).average().orElse(Double.NaN);
            double ss = 0;
            for (double v : x) {
                ss += (v - m) * (v - m);
            }
            return new Spread(m, x.length > 1 ? Math.sqrt(ss / (x.length - 1)) : 0,
                    Arrays.stream(x).min().orElse(Double.NaN), Arrays.stream(x).max().orElse(Double.NaN));
        }
    }

    /**
     * Unlearns the chosen units and {@code k} seeded random unit sets of the same size, each from θ_0 with
     * binary weights and the same lower-level settings, and scores each set's items afterwards.
     */
    public Comparison compare(int[] chosenUnits, int k, long seed) {
        return compare(chosenUnits, k, seed, Progress.NONE);
    }

    /** {@link #compare(int[], int, long)}, reporting each unlearned set to {@code progress}. */
    public Comparison compare(int[] chosenUnits, int k, long seed, Progress progress) {
        if (k < 2) {
            throw new InvalidInputException("--compare-random needs at least 2 random sets for a spread, found " + k + ".");
        }
        int n = unitNames.size();
        int m = chosenUnits.length;
        long t0 = System.nanoTime();
        SetOutcome chosen = outcome("worst-case", chosenUnits);
        progress.update("compare with random sets", 1, k + 1, "worst-case set");
        List<SetOutcome> random = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(seed ^ 0x7A11_D0E5L);
        for (int j = 0; j < k; j++) {
            double[] w = WorstCaseSearch.initialWeights(n, m, WorstCaseConfig.Init.RANDOM_BINARY, seeds.nextLong());
            random.add(outcome("random-" + (j + 1), UpperLevel.topM(w, m)));
            progress.update("compare with random sets", j + 2, k + 1, "random set " + (j + 1));
        }
        lower.restore();
        double secs = (System.nanoTime() - t0) / 1e9 / (k + 1);
        return new Comparison(chosen, random,
                Spread.of(random.stream().mapToDouble(SetOutcome::meanAnswerProbability).toArray()),
                Spread.of(random.stream().mapToDouble(SetOutcome::meanNll).toArray()), secs);
    }

    /** Restores θ_0, unlearns exactly {@code units} (binary weights) and summarises their items. */
    public SetOutcome outcome(String label, int[] units) {
        if (before == null) {
            lower.restore();
            before = lower.scoreNllMean();
        }
        double[] unitW = new double[unitNames.size()];
        for (int u : units) {
            unitW[u] = 1;
        }
        double[] iw = itemWeights(unitW);
        double[] after = lower.unlearnAndScore(iw);
        double p = 0, nll = 0, p0 = 0, nll0 = 0;
        int c = 0;
        for (int i = 0; i < iw.length; i++) {
            if (iw[i] == 1) {
                p += Math.exp(-after[i]);
                nll += after[i];
                p0 += Math.exp(-before[i]);
                nll0 += before[i];
                c++;
            }
        }
        return new SetOutcome(label, units.clone(), c, p / c, nll / c, p0 / c, nll0 / c);
    }

    /** Writes θ_0 back and frees the saved copy. */
    @Override
    public void close() {
        lower.close();
    }
}

package dev.unlearn.methods.worstcase;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.score.SampleScore;
import dev.unlearn.core.score.Scorer;
import dev.unlearn.core.train.Backprop;
import dev.unlearn.core.train.TrainingDivergedException;
import dev.unlearn.methods.spi.ForwardFn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lower level of the worst-case search on a {@link CausalLm} (methods.md §10.2, §10.4): restore
 * θ_0, run the method's {@link WeightedObjective} over the pool with per-item forget weights using
 * sign-SGD ({@code θ ← θ − η·sign(∇θ)}, η = the method's learning rate), then score every pool item's
 * {@code NLL_mean} (§0) with core's {@link Scorer}.
 *
 * <p>Mini-batches are drawn from the whole pool in a seeded per-epoch shuffle that depends on
 * {@code (seed, epoch)} only, not on the outer iteration: every candidate forget set is unlearned with
 * the same batch order (common random numbers), so differences in the scores come from w, not from the
 * shuffle. Each step runs in a child of the model's manager that is closed before the next, gradients
 * are zeroed in place, and θ_0 is restored by copying saved arrays into the live weights
 * ({@link ParameterSnapshot}): native memory stays flat over iterations. A step whose loss is NaN/Inf is
 * skipped (its gradient would carry NaN signs); more than {@link #MAX_BAD_STEPS} in one run stop it.
 *
 * <p>{@link #close} writes θ_0 back, so the caller gets its model unchanged.
 */
public final class ModelLowerLevel implements AutoCloseable {
    /** Non-finite steps tolerated in one lower-level run. */
    public static final int MAX_BAD_STEPS = 3;

    /**
     * Lower-level run settings (the "budget": equal settings for every set compared).
     *
     * @param lr sign-SGD step η_θ (the method's learning rate)
     * @param epochs passes over the pool ({@code lower_epochs}, default 1)
     * @param batchSize pool items per step
     */
    public record Settings(double lr, int epochs, int batchSize) {
        public Settings {
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new InvalidInputException("Lower-level learning rate must be positive and finite, found " + lr + ".");
            }
            if (epochs < 1) {
                throw new InvalidInputException("Config key 'lower_epochs' must be at least 1, found " + epochs + ".");
            }
            if (batchSize < 1) {
                throw new InvalidInputException("Lower-level batch size must be at least 1, found " + batchSize + ".");
            }
        }
    }

    private final CausalLm lm;
    private final List<TokenizedExample> pool;
    private final WeightedObjective objective;
    private final Settings settings;
    private final long seed;
    private final long padId;
    private final Map<String, NDArray> params;
    private final Map<String, Boolean> requiredGradient = new LinkedHashMap<>();
    private final ParameterSnapshot theta0;
    private final ForwardFn policy;
    private long steps;
    private int skipped;

    /**
     * Saves θ_0 of {@code lm}; the model is updated in place by {@link #unlearn} and restored by
     * {@link #restore} and {@link #close}.
     */
    public ModelLowerLevel(CausalLm lm, List<TokenizedExample> pool, WeightedObjective objective, Settings settings,
            long seed) {
        if (pool.isEmpty()) {
            throw new InvalidInputException("The worst-case candidate pool is empty.");
        }
        this.lm = lm;
        this.pool = List.copyOf(pool);
        this.objective = objective;
        this.settings = settings;
        this.seed = seed;
        this.padId = padId(lm);
        // adapter mode: sign-SGD moves only the LoRA A and B (the base is frozen), and θ_0 is the adapters' start
        this.params = lm.adapters() != null ? lm.adapters().parameters() : lm.parameters();
        params.forEach((k, v) -> requiredGradient.put(k, v.hasGradient()));
        this.theta0 = ParameterSnapshot.of(params);
        this.policy = (b, m) -> lm.forward(b.inputIds(m), b.attentionMask(m), false).logits();
    }

    /** The pool, in input order. */
    public List<TokenizedExample> pool() {
        return pool;
    }

    public Settings settings() {
        return settings;
    }

    /** Optimizer steps taken so far over all runs. */
    public long steps() {
        return steps;
    }

    /** Steps skipped for a NaN/Inf loss so far. */
    public int skippedSteps() {
        return skipped;
    }

    /** Writes θ_0 back into the model. */
    public void restore() {
        theta0.restore();
    }

    /** Restores θ_0, unlearns with {@code itemWeights} and returns every pool item's {@code NLL_mean}. */
    public double[] unlearnAndScore(double[] itemWeights) {
        restore();
        unlearn(itemWeights);
        return scoreNllMean();
    }

    /**
     * Runs the weighted unlearning from the model's current weights.
     *
     * @param itemWeights forget weight per pool item, in {@code [0, 1]}
     * @throws TrainingDivergedException after more than {@link #MAX_BAD_STEPS} non-finite steps
     */
    public void unlearn(double[] itemWeights) {
        if (itemWeights.length != pool.size()) {
            throw new IllegalArgumentException(itemWeights.length + " weights for a pool of " + pool.size());
        }
        params.values().forEach(p -> {
            if (!p.hasGradient()) {
                p.setRequiresGradient(true);
            }
        });
        int n = pool.size();
        int bad = 0;
        for (int e = 0; e < settings.epochs(); e++) {
            int[] order = Batches.permutation(n, seed, e);
            for (int s = 0; s < n; s += settings.batchSize()) {
                int len = Math.min(settings.batchSize(), n - s);
                List<TokenizedExample> items = new ArrayList<>(len);
                double[] w = new double[len];
                for (int i = 0; i < len; i++) {
                    items.add(pool.get(order[s + i]));
                    w[i] = itemWeights[order[s + i]];
                }
                if (!step(new Batch(items, padId), w)) {
                    bad++;
                    skipped++;
                    if (bad > MAX_BAD_STEPS) {
                        throw new TrainingDivergedException("Worst-case lower level: " + bad + " steps had a NaN/Inf"
                                + " loss in one run; lower the learning rate (" + settings.lr() + ").");
                    }
                }
            }
        }
    }

    private boolean step(Batch batch, double[] w) {
        steps++;
        try (NDManager m = lm.manager().newSubManager()) {
            boolean finite;
            try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                NDArray loss = objective.loss(policy, batch, w, m);
                finite = Double.isFinite(loss.toType(DataType.FLOAT64, false).getDouble());
                if (finite) {
                    Backprop.backward(gc, loss);
                }
            }
            if (finite) {
                SignSgd.step(params, settings.lr());
            }
            SignSgd.zeroGradients(params, m);
            return finite;
        }
    }

    /** {@code NLL_mean} of every pool item under the current weights, in pool order. */
    public double[] scoreNllMean() {
        List<SampleScore> s = Scorer.score(lm, pool, Math.max(settings.batchSize(), 16));
        double[] out = new double[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.get(i).meanNll();
        }
        return out;
    }

    /** {@code NLL_sum} of every pool item under the current weights, keyed by item id (NPO's π_ref values). */
    public Map<String, Double> scoreNllSum() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (SampleScore s : Scorer.score(lm, pool, Math.max(settings.batchSize(), 16))) {
            out.put(s.id(), s.sumNll());
        }
        return out;
    }

    /** Restores θ_0 and the parameters' gradient flags, and frees the saved copy. */
    @Override
    public void close() {
        try {
            restore();
            params.forEach((k, p) -> {
                if (p.hasGradient() != requiredGradient.get(k)) {
                    p.setRequiresGradient(requiredGradient.get(k));
                }
            });
        } finally {
            theta0.close();
        }
    }

    static long padId(CausalLm lm) {
        Integer p = lm.config().padTokenId();
        if (p != null) {
            return p;
        }
        return lm.config().eosTokenIds().isEmpty() ? 0 : lm.config().eosTokenIds().get(0);
    }
}

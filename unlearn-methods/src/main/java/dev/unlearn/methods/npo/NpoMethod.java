package dev.unlearn.methods.npo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.Batch;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.loss.WeightedTerms;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.LossPlan;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.MethodPlan;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;
import dev.unlearn.methods.spi.WeightedLoss;
import java.util.Map;
import java.util.Optional;

/** {@code npo}: see {@link NegativePreference} and {@link NpoLoss}. */
public final class NpoMethod implements UnlearningMethod<NpoConfig> {
    @Override
    public String name() {
        return "npo";
    }

    @Override
    public String description() {
        return "Negative preference optimization: bounded, reference-anchored ascent on forget sequence NLL.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<NpoConfig> configClass() {
        return NpoConfig.class;
    }

    @Override
    public NpoConfig defaults() {
        return NpoConfig.defaults();
    }

    @Override
    public LossMethod lossMethod(NpoConfig config, MethodContext<?> context, ModelInfo model) {
        return new NpoLoss(config, new ReferenceNllCache());
    }

    /**
     * A reference pass fills the cache of π_ref's {@code NLL_sum} per forget sample; π_ref stays resident
     * only for a KL retain term. Both uses are declared cacheable, so in full mode the runner may serve them
     * from values stored on disk instead of a copy of the model.
     */
    @Override
    public MethodPlan plan(NpoConfig config, MethodContext<?> context, ModelInfo model) {
        NpoLoss loss = (NpoLoss) lossMethod(config, context, model);
        LossPlan.Hook pass = new LossPlan.ReferencePass(loss::precompute);
        LossPlan.Hook cacheable = new LossPlan.CacheableReference(config.referenceUses(model));
        return config.retainLossType() == RetainLossType.KL
                ? LossPlan.of(loss, pass, new LossPlan.ResidentReference(), cacheable)
                : LossPlan.of(loss, pass, cacheable);
    }

    /**
     * Weighted form: {@code γ · Σ_b w_b·(−(2/β) log σ(β r_b)) / Σ_b w_b + α · NLL_pool,1−w} with
     * {@code r_b = NLL_sum^θ − NLL_sum^ref} (NLL retain loss only; π_ref's sums scored by the caller).
     */
    @Override
    public Optional<WeightedLoss> weightedLoss(NpoConfig c) {
        WeightedTerms.nllRetainOnly(name(), c.retainLossType());
        return Optional.of(new WeightedLoss() {
            @Override
            public NDArray loss(ForwardFn p, Batch b, double[] w, Map<String, Double> referenceNllSum, NDManager m) {
                if (referenceNllSum == null) {
                    throw new IllegalArgumentException("npo needs the reference NLL_sum of every pool item");
                }
                return WeightedTerms.perItem(p, b, w, m, c.gamma(), c.alpha(), (r, mm) -> {
                    double[] ref = new double[b.size()];
                    for (int i = 0; i < ref.length; i++) {
                        Double v = referenceNllSum.get(b.examples().get(i).id());
                        if (v == null) {
                            throw new IllegalStateException("no reference NLL_sum for pool item "
                                    + b.examples().get(i).id());
                        }
                        ref[i] = v;
                    }
                    NDArray nll = SequenceLosses.nllSum(r);
                    NDArray refNll = mm.create(ref).toType(nll.getDataType(), false);
                    return NegativePreference.perSample(nll, refNll, c.beta());
                });
            }

            @Override
            public boolean needsReferenceNllSum() {
                return true;
            }
        });
    }
}

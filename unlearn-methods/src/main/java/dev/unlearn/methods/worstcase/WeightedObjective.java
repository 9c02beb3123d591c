package dev.unlearn.methods.worstcase;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.graddiff.GradDiffConfig;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.loss.StableMath;
import dev.unlearn.methods.npo.NegativePreference;
import dev.unlearn.methods.npo.NpoConfig;
import dev.unlearn.methods.simnpo.SimNpoConfig;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.MethodConfig;
import java.util.List;
import java.util.Map;

/**
 * A method's loss on one pool batch with per-item forget weights (methods.md §10.4) [OURS]: item
 * {@code b} enters the forget term with weight {@code w_b} and the retain term with {@code 1 − w_b};
 * each term is normalised by its batch weight sum ({@link WeightedTerms}). With {@code w ∈ {0,1}} every
 * term equals the method's own term on the selected (forget) and unselected (retain) items of the batch.
 *
 * <pre>
 *   ga:       L = − NLL_pool,w
 *   graddiff: L = γ · (− NLL_pool,w) + α · NLL_pool,1−w
 *   npo:      L = γ · Σ_b w_b·(−(2/β) log σ(β r_b)) / Σ_b w_b + α · NLL_pool,1−w,   r_b = NLL_sum^θ − NLL_sum^ref
 *   simnpo:   L = γ · Σ_b w_b·(−(2/β) log σ(β (NLL_mean^θ − δ))) / Σ_b w_b + α · NLL_pool,1−w
 * </pre>
 *
 * A term whose batch weight sum is below {@link #MIN_WEIGHT} is dropped for that batch (0/0). Only the
 * NLL retain loss is supported: a KL retain term would need π_ref forwards on every pool batch.
 * Methods without a per-sample forget term of this kind (flat, rmu, pd, ssd, guard) are rejected.
 */
@FunctionalInterface
public interface WeightedObjective {
    /** Batch weight sums below this drop the term. */
    double MIN_WEIGHT = 1e-9;

    /** Methods the worst-case lower level supports. */
    List<String> SUPPORTED = List.of("ga", "graddiff", "npo", "simnpo");

    /**
     * The scalar loss of one pool batch.
     *
     * @param policy π_θ forward (with gradient)
     * @param batch the pool batch
     * @param forgetWeights {@code w_b} per batch item, in {@code [0, 1]}
     * @param m the step manager
     */
    NDArray loss(ForwardFn policy, Batch batch, double[] forgetWeights, NDManager m);

    /** Whether the method needs π_ref's {@code NLL_sum} per pool item ({@code npo}). */
    static boolean needsReferenceNll(String method) {
        return method.equals("npo");
    }

    /**
     * The weighted objective of a method.
     *
     * @param method registry name (one of {@link #SUPPORTED})
     * @param config the method's bound config
     * @param referenceNllSum π_ref {@code NLL_sum} per pool item id (npo only; null otherwise)
     * @throws InvalidInputException for an unsupported method or a KL retain loss
     */
    static WeightedObjective forMethod(String method, MethodConfig config, Map<String, Double> referenceNllSum) {
        switch (method) {
            case "ga":
                return (p, b, w, m) -> pooled(p, b, w, m, 1, 0).neg();
            case "graddiff": {
                GradDiffConfig c = (GradDiffConfig) config;
                nllRetainOnly(method, c.retainLossType());
                return (p, b, w, m) -> pooled(p, b, w, m, -c.gamma(), c.alpha());
            }
            case "npo": {
                NpoConfig c = (NpoConfig) config;
                nllRetainOnly(method, c.retainLossType());
                if (referenceNllSum == null) {
                    throw new IllegalArgumentException("npo needs the reference NLL_sum of every pool item");
                }
                return (p, b, w, m) -> perItem(p, b, w, m, c.gamma(), c.alpha(), (r, mm) -> {
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
            case "simnpo": {
                SimNpoConfig c = (SimNpoConfig) config;
                nllRetainOnly(method, c.retainLossType());
                return (p, b, w, m) -> perItem(p, b, w, m, c.gamma(), c.alpha(), (r, mm) -> {
                    NDArray margin = Scalars.add(SequenceLosses.nllMean(r), -c.delta());
                    return Scalars.mul(StableMath.logSigmoid(Scalars.mul(margin, c.beta())), -2.0 / c.beta());
                });
            }
            default:
                throw new InvalidInputException("The worst-case search cannot weight method '" + method
                        + "' per sample; supported: " + String.join(", ", SUPPORTED) + ".");
        }
    }

    private static void nllRetainOnly(String method, RetainLossType t) {
        if (t != RetainLossType.NLL) {
            throw new InvalidInputException("Config key 'retain_loss_type' of " + method + ": the worst-case lower level"
                    + " supports NLL only (found " + t + "); set retain_loss_type: NLL.");
        }
    }

    /** {@code fSign·NLL_pool,w + α·NLL_pool,1−w} with dropped empty terms. */
    private static NDArray pooled(ForwardFn p, Batch b, double[] w, NDManager m, double forgetCoef, double alpha) {
        TokenLogProbs.Result r = SequenceLosses.tokenLogProbs(p.logits(b, m), b.labels(m));
        NDArray total = null;
        if (sum(w, false) >= MIN_WEIGHT && forgetCoef != 0) {
            total = Scalars.mul(WeightedTerms.pooledNll(r, weights(w, false, r, m)), forgetCoef);
        }
        return addRetain(total, r, w, m, alpha);
    }

    /** Per-item forget term {@code γ · mean_w(terms)} plus the pooled retain term. */
    private static NDArray perItem(ForwardFn p, Batch b, double[] w, NDManager m, double gamma, double alpha,
            java.util.function.BiFunction<TokenLogProbs.Result, NDManager, NDArray> terms) {
        TokenLogProbs.Result r = SequenceLosses.tokenLogProbs(p.logits(b, m), b.labels(m));
        NDArray total = null;
        if (sum(w, false) >= MIN_WEIGHT && gamma != 0) {
            total = Scalars.mul(WeightedTerms.mean(terms.apply(r, m), weights(w, false, r, m)), gamma);
        }
        return addRetain(total, r, w, m, alpha);
    }

    private static NDArray addRetain(NDArray total, TokenLogProbs.Result r, double[] w, NDManager m, double alpha) {
        if (alpha != 0 && sum(w, true) >= MIN_WEIGHT) {
            NDArray ret = Scalars.mul(WeightedTerms.pooledNll(r, weights(w, true, r, m)), alpha);
            total = total == null ? ret : total.add(ret);
        }
        // both terms empty: a zero that still depends on θ, so backward works and moves nothing
        return total != null ? total : Scalars.mul(r.logProbs().sum(), 0);
    }

    private static double sum(double[] w, boolean complement) {
        double s = 0;
        for (double x : w) {
            s += complement ? 1 - x : x;
        }
        return s;
    }

    private static NDArray weights(double[] w, boolean complement, TokenLogProbs.Result r, NDManager m) {
        double[] v = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            v[i] = complement ? 1 - w[i] : w[i];
        }
        return m.create(v).toType(r.logProbs().getDataType(), false);
    }
}

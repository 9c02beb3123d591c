package dev.unlearn.methods.flat;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.score.TokenLogProbs;

/**
 * FLAT, Forget-data-only Loss AdjustmenT (methods.md §5) [REF FLAT-repo {@code dataloader.py} loss type
 * {@code cl}, {@code get_contrastive_loss}, {@code ProbLossStable}]: raise the probability of a template
 * answer and lower that of the forget answer, weighted by an f-divergence's variational form.
 *
 * <pre>
 *   p_t   = exp(ℓ_t) on A, 0 elsewhere                      (never a product over tokens)
 *   reference:  P̄ = Σ_b Σ_{t∈A_b} p_{b,t} / (B·(pad_length − 1));   L = A(P̄_e) − C(P̄_f)
 *   per-sample: P_i = mean_{t∈A_i} p_{i,t};                          L = (1/B) Σ_i [A(P_{e,i}) − C(P_{f,i})]
 * </pre>
 *
 * Paper: Wang et al., "LLM Unlearning via Loss Adjustment with Only Forget Data",
 * <a href="https://arxiv.org/abs/2410.11143">arXiv:2410.11143</a>.
 */
public final class ForgetTemplateLoss {
    private ForgetTemplateLoss() {}

    /** Token probabilities {@code [B, T−1]}, zero at masked positions. */
    public static NDArray tokenProbs(TokenLogProbs.Result r) {
        return r.logProbs().exp().mul(r.mask());
    }

    /** Reference batch scalar {@code Σ p / (B·(padLength − 1))}. */
    public static NDArray referenceProbability(NDArray tokenProbs, int padLength) {
        long b = tokenProbs.getShape().get(0);
        return Scalars.mul(tokenProbs.sum(), 1.0 / ((double) b * (padLength - 1)));
    }

    /** Per-sample mean token probability over A, {@code [B]} (samples without targets give 0). */
    public static NDArray perSampleProbability(NDArray tokenProbs, NDArray mask) {
        return tokenProbs.sum(new int[] {1}).div(Scalars.maximum(mask.sum(new int[] {1}), 1));
    }

    /** The FLAT loss from the forget and template token log-probs. */
    public static NDArray loss(TokenLogProbs.Result forget, TokenLogProbs.Result template, Divergence d,
            ProbabilityForm form, int padLength, boolean referenceQuirks) {
        NDArray pf = tokenProbs(forget);
        NDArray pe = tokenProbs(template);
        if (form == ProbabilityForm.REFERENCE) {
            return d.loss(referenceProbability(pe, padLength), referenceProbability(pf, padLength), referenceQuirks);
        }
        return d.loss(perSampleProbability(pe, template.mask()), perSampleProbability(pf, forget.mask()),
                referenceQuirks).mean();
    }
}

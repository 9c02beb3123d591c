package dev.unlearn.methods.ga;

import ai.djl.ndarray.NDArray;
import dev.unlearn.methods.loss.SequenceLosses;

/**
 * Gradient ascent (methods.md §2) [REF OU {@code src/trainer/unlearn/grad_ascent.py}]: maximise the
 * forget-set likelihood loss.
 *
 * <pre>  L = − NLL_pool(forget batch)  </pre>
 *
 * Pooled token mean (Hugging Face {@code outputs.loss}), not per-sample sums. Unbounded below: the
 * model collapses within an epoch at TOFU settings; keep core's NaN guard on.
 * Paper: Jang et al., "Knowledge Unlearning for Mitigating Privacy Risks in Language Models",
 * <a href="https://arxiv.org/abs/2210.01504">arXiv:2210.01504</a>.
 */
public final class GradientAscent {
    private GradientAscent() {}

    /** {@code L = −NLL_pool} from the forget batch's logits {@code [B,T,V]} and labels {@code [B,T]}. */
    public static NDArray loss(NDArray forgetLogits, NDArray forgetLabels) {
        return SequenceLosses.pooledNll(forgetLogits, forgetLabels).neg();
    }
}

package dev.unlearn.methods.graddiff;

import ai.djl.ndarray.NDArray;
import dev.unlearn.methods.loss.TwoTermLoss;

/**
 * Gradient difference (methods.md §2) [REF OU {@code src/trainer/unlearn/grad_diff.py}]: gradient
 * ascent on the forget set plus descent on the retain set.
 *
 * <pre>  L = γ · (− NLL_pool(forget batch)) + α · L_retain(retain batch)     (L_retain: §1.2, NLL or KL)  </pre>
 *
 * Paper: Liu et al., "Continual Learning and Private Unlearning",
 * <a href="https://arxiv.org/abs/2203.12817">arXiv:2203.12817</a>; TOFU's {@code grad_diff}
 * (<a href="https://arxiv.org/abs/2401.06121">arXiv:2401.06121</a>).
 */
public final class GradientDifference {
    private GradientDifference() {}

    /** {@code γ·(−forgetPooledNll) + α·retainLoss} on scalars. */
    public static NDArray loss(NDArray forgetPooledNll, NDArray retainLoss, double gamma, double alpha) {
        return TwoTermLoss.combine(forgetPooledNll.neg(), gamma, retainLoss, alpha);
    }
}

package dev.unlearn.methods.pd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Scalars;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import java.util.function.Predicate;

/**
 * Prompt-decouple (PD) loss as a decorator over any loss-based method (methods.md §8.3) [REF SE-repo
 * {@code forget.py} for the multimodal original; text-only translation OURS]:
 *
 * <pre>  L = L_base + λ_pd · NLL_pool(PD batch)  </pre>
 *
 * The PD batch holds, for each forget sample (aligned by index), the same question wording in a safe
 * context with a normal answer; descending its NLL keeps the model answering that wording when the
 * context is harmless. Paper: Chen et al., "SafeEraser: Enhancing Safety in Multimodal Large Language
 * Models through Multimodal Machine Unlearning", <a href="https://arxiv.org/abs/2502.12520">arXiv:2502.12520</a>.
 */
public final class PromptDecouple implements LossMethod {
    private final LossMethod base;
    private final double weight;

    public PromptDecouple(LossMethod base, double weight) {
        this.base = base;
        this.weight = weight;
    }

    /** The wrapped base loss (the runner fills NPO's reference cache through it). */
    public LossMethod base() {
        return base;
    }

    /** {@code base + λ_pd · pdNll} on scalars. */
    public static NDArray combine(NDArray baseLoss, NDArray pdNll, double weight) {
        return baseLoss.add(Scalars.mul(pdNll, weight));
    }

    @Override
    public StepLoss loss(ForwardFn policy, ForwardFn reference, StepBatches b, NDManager m) {
        if (b.decoupled() == null) {
            throw new IllegalStateException("pd needs a prompt-decouple batch aligned with the forget batch");
        }
        StepLoss inner = base.loss(policy, reference, b, m);
        NDArray pd = SequenceLosses.pooledNll(policy.logits(b.decoupled(), m), b.decoupled().labels(m));
        return inner.withTotal(combine(inner.total(), pd, weight), "pd", pd);
    }

    @Override
    public Predicate<String> trainable() {
        return base.trainable();
    }
}

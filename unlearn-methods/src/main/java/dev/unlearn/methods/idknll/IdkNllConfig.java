package dev.unlearn.methods.idknll;

import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.MethodConfig;

/**
 * Keys of {@code idknll} (docs/methods-parity.md §P2; TOFU {@code dataloader.py}, {@code loss_type: idk}).
 *
 * <pre>
 *   joint    (default, REF TOFU): L = (γ·Σ_{idk} NLL_t + α·Σ_{retain} NLL_t) / (|A_idk| + |A_retain|)
 *   separate (OURS):              L = γ·NLL_pool(idk batch) + α·NLL_pool(retain batch)
 * </pre>
 *
 * The idk batch holds the step's forget questions, each with a refusal drawn uniformly per fetch from
 * {@code templates}. With γ = α = 1, {@code joint} is TOFU's {@code outputs.loss} of
 * {@code torch.cat((idk, retain))}. With α = 0 the retain batch is neither needed nor counted. Paper:
 * Maini et al., "TOFU: A Task of Fictitious Unlearning for LLMs", <a href="https://arxiv.org/abs/2401.06121">arXiv:2401.06121</a>.
 *
 * @param gamma weight of the refusal tokens, default 1.0
 * @param alpha weight of the retain tokens, default 1.0
 * @param pooling {@code joint} (default) or {@code separate}
 * @param templates refusal answers, one per line: default {@code refusals.txt} (the built-in world's list,
 *     resolved against the data folder by recipes), {@code tofu-idontknow} (TOFU's), or a path
 */
public record IdkNllConfig(double gamma, double alpha, Pooling pooling, String templates) implements MethodConfig {
    /** The built-in world's refusal list, written by {@code SynthWorld} into its data folder. */
    public static final String BUILTIN_REFUSALS = "refusals.txt";

    public IdkNllConfig {
        ConfigChecks.nonNegative("gamma", gamma);
        ConfigChecks.nonNegative("alpha", alpha);
        pooling = pooling == null ? Pooling.JOINT : pooling;
    }

    public static IdkNllConfig defaults() {
        return new IdkNllConfig(1.0, 1.0, Pooling.JOINT, BUILTIN_REFUSALS);
    }

    @Override
    public boolean needsRetain() {
        return alpha > 0;
    }

    @Override
    public boolean needsTemplates() {
        return true;
    }
}

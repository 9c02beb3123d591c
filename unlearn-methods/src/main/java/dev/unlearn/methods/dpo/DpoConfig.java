package dev.unlearn.methods.dpo;

import dev.unlearn.methods.loss.LossPositions;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.loss.TwoTermConfig;
import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.ReferenceUse;
import dev.unlearn.methods.spi.ReferenceUse.StepBatch;
import java.util.List;

/**
 * Keys of {@code dpo} and {@code idkdpo} (docs/methods-parity.md §P1; OU {@code configs/trainer/DPO.yaml}).
 *
 * <pre>
 *   L = γ · L_DPO + α · L_retain,   L_DPO = −(2/β) · (1/B) Σ_i log σ(β · [(log π_θ(y_w|x) − log π_ref(y_w|x))
 *                                                                 − (log π_θ(y_l|x) − log π_ref(y_l|x))])
 * </pre>
 *
 * {@code y_l} is the forget answer, {@code y_w} a preferred answer drawn uniformly per fetch from
 * {@code templates} for the same question; log-likelihoods are sequence sums. Paper: Rafailov et al.,
 * "Direct Preference Optimization", <a href="https://arxiv.org/abs/2305.18290">arXiv:2305.18290</a>; IdkDPO:
 * Maini et al., "TOFU", <a href="https://arxiv.org/abs/2401.06121">arXiv:2401.06121</a>.
 *
 * @param beta inverse temperature β, default 0.1 (OU DPO.yaml; the class default 1.0 is overridden there), > 0
 * @param gamma forget (preference) weight γ, default 1.0
 * @param alpha retain weight α, default 1.0 (0: no retain set needed)
 * @param retainLossType {@code NLL} (default) or {@code KL}
 * @param klPositions {@code all} (default) or {@code answer}, for KL only
 * @param templates preferred answers, one per line: {@code refusals.txt} for {@code idkdpo} (the built-in
 *     world's refusal list, resolved against the data folder by recipes), {@code tofu-idontknow} for TOFU's
 *     list, or a path; {@code dpo} has no default and needs it set
 */
public record DpoConfig(double beta, double gamma, double alpha, RetainLossType retainLossType,
        LossPositions klPositions, String templates) implements TwoTermConfig {
    /** The built-in world's refusal list, written by {@code SynthWorld} into its data folder. */
    public static final String BUILTIN_REFUSALS = "refusals.txt";

    public DpoConfig {
        ConfigChecks.positive("beta", beta);
        TwoTermConfig.checkWeights(gamma, alpha);
        retainLossType = TwoTermConfig.type(retainLossType);
        klPositions = TwoTermConfig.positions(klPositions);
    }

    /** OU's defaults with the given preferred-answer source (null: must be set). */
    public static DpoConfig defaults(String templates) {
        return new DpoConfig(0.1, 1.0, 1.0, RetainLossType.NLL, LossPositions.ALL, templates);
    }

    @Override
    public boolean needsReference() {
        return true;
    }

    /** π_ref's {@code NLL_sum} of the forget and of the template answers, and the KL retain term's logits. */
    @Override
    public List<ReferenceUse> referenceUses(ModelInfo model) {
        return TwoTermConfig.uses(this,
                ReferenceUse.nllSum(StepBatch.FORGET),
                ReferenceUse.nllSum(StepBatch.TEMPLATES));
    }

    @Override
    public boolean needsTemplates() {
        return true;
    }
}

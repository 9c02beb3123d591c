package dev.unlearn.methods.pdu;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.loss.LossPositions;
import dev.unlearn.methods.loss.RetainLossType;
import dev.unlearn.methods.loss.TwoTermConfig;
import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.ReferenceUse;
import dev.unlearn.methods.spi.ReferenceUse.StepBatch;
import java.util.List;

/**
 * Keys of {@code pdu} (docs/methods-parity.md §P7; OU {@code configs/trainer/PDU.yaml}).
 *
 * <pre>
 *   L_f = (1/|M|) Σ_{t∈M} (max_v z_t(v) − mean_v z_t(v))²       M = positions whose own label is a target (unshifted, as OU)
 *   L   = γ · L_f + λ · (L_retain − ε)
 *   λ  ← max(0, λ + η · (L_retain − ε))     (primal_dual; per step or per epoch, after dual_warmup_epochs epochs)
 * </pre>
 *
 * {@code λ} starts at {@code alpha}. Without {@code primal_dual} it is the fixed weight of a shifted
 * GradDiff-style sum. Paper: Entesari et al., "Constrained Entropic Unlearning: A Primal-Dual Framework
 * for Large Language Models", <a href="https://arxiv.org/abs/2506.05314">arXiv:2506.05314</a>.
 *
 * @param retainLossEps the constraint bound ε on the retain loss: required (OU leaves it {@code ???});
 *     pick it above the retain loss of the model before unlearning (OU's TOFU runs: 0.3)
 * @param primalDual update λ by dual ascent, default true
 * @param dualStepSize dual step η, default 1.0, ≥ 0
 * @param dualUpdateUpon {@code step} (default) or {@code epoch}
 * @param dualWarmupEpochs epochs before λ moves, default 5, ≥ 0
 * @param gamma forget weight γ, default 1.0
 * @param alpha initial λ, default 1.0 (OU's TOFU runs: 100)
 * @param retainLossType {@code NLL} (default) or {@code KL}
 * @param klPositions {@code all} (default) or {@code answer}, for KL only
 */
public record PduConfig(Double retainLossEps, boolean primalDual, double dualStepSize, DualUpdate dualUpdateUpon,
        int dualWarmupEpochs, double gamma, double alpha, RetainLossType retainLossType, LossPositions klPositions)
        implements TwoTermConfig {
    public PduConfig {
        if (retainLossEps != null && !Double.isFinite(retainLossEps)) {
            throw new InvalidInputException("Config key 'retain_loss_eps' must be a finite number, got " + retainLossEps);
        }
        ConfigChecks.nonNegative("dual_step_size", dualStepSize);
        dualUpdateUpon = dualUpdateUpon == null ? DualUpdate.STEP : dualUpdateUpon;
        ConfigChecks.atLeast("dual_warmup_epochs", dualWarmupEpochs, 0);
        TwoTermConfig.checkWeights(gamma, alpha);
        retainLossType = TwoTermConfig.type(retainLossType);
        klPositions = TwoTermConfig.positions(klPositions);
    }

    public static PduConfig defaults() {
        return new PduConfig(null, true, 1.0, DualUpdate.STEP, 5, 1.0, 1.0, RetainLossType.NLL, LossPositions.ALL);
    }

    /** ε, or an error naming the key when it was not set. */
    public double requireEps() {
        if (retainLossEps == null) {
            throw new InvalidInputException("Method 'pdu': config key 'retain_loss_eps' is required (the bound ε on the"
                    + " retain loss; choose a value above the retain loss of the model before unlearning, e.g."
                    + " retain_loss_eps: 0.3 as OU's TOFU runs).");
        }
        return retainLossEps;
    }

    /** PDU always has a retain term: the constraint. */
    @Override
    public boolean needsRetain() {
        return true;
    }

    @Override
    public String retainReason() {
        return "PDU constrains the retain loss (add retain data)";
    }

    @Override
    public boolean needsReference() {
        return retainLossType == RetainLossType.KL;
    }

    /** The KL retain term's logits (PDU forwards its retain batch whatever λ is). */
    @Override
    public List<ReferenceUse> referenceUses(ModelInfo model) {
        return needsReference() ? List.of(ReferenceUse.logits(
                StepBatch.RETAIN)) : List.of();
    }
}

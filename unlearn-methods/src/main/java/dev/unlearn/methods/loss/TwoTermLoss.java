package dev.unlearn.methods.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Scalars;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two-term form {@code L = γ·L_forget + α·L_retain} shared by GradDiff, NPO and SimNPO
 * (methods.md §0). With {@code α = 0} the retain batch is not even forwarded.
 */
public final class TwoTermLoss {
    private TwoTermLoss() {}

    /** {@code γ·forget + α·retain} for scalars (the function the test vectors check). */
    public static NDArray combine(NDArray forget, double gamma, NDArray retain, double alpha) {
        NDArray f = Scalars.mul(forget, gamma);
        return retain == null || alpha == 0 ? f : f.add(Scalars.mul(retain, alpha));
    }

    /**
     * Assembles a step loss from a computed forget term and the configured retain term.
     *
     * @param forgetLoss the forget loss term (already signed for minimisation)
     * @param forgetReport the forget value to report (e.g. forget NLL)
     */
    public static StepLoss assemble(NDArray forgetLoss, NDArray forgetReport, double gamma, double alpha,
            RetainLossType type, LossPositions positions, ForwardFn policy, ForwardFn reference,
            StepBatches batches, NDManager m) {
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("forget", forgetReport);
        NDArray retain = null;
        if (alpha != 0) {
            if (batches.retain() == null) {
                throw new IllegalStateException("alpha = " + alpha + " > 0 but the step has no retain batch");
            }
            retain = RetainLosses.retainLoss(type, positions, policy, reference, batches.retain(), m);
            terms.put("retain", retain);
        }
        return new StepLoss(combine(forgetLoss, gamma, retain, alpha), terms);
    }
}

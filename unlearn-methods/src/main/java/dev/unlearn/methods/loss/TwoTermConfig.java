package dev.unlearn.methods.loss;

import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.MethodConfig;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.ReferenceUse;
import java.util.ArrayList;
import java.util.List;

/**
 * A config of the two-term form {@code L = γ·L_forget + α·L_retain} (methods.md §0, §1.2): the retain
 * set is needed when {@code α > 0}, the reference model for a KL retain term. Records implementing it
 * get {@link #needsRetain()} and {@link #needsReference()} from these accessors, and normalise their
 * keys with the static helpers in their compact constructors.
 */
public interface TwoTermConfig extends MethodConfig {
    /** Forget weight γ. */
    double gamma();

    /** Retain weight α. */
    double alpha();

    /** {@code retain_loss_type}. */
    RetainLossType retainLossType();

    /** {@code kl_positions} (KL retain only). */
    LossPositions klPositions();

    @Override
    default boolean needsRetain() {
        return alpha() > 0;
    }

    @Override
    default boolean needsReference() {
        return alpha() > 0 && retainLossType() == RetainLossType.KL;
    }

    /** The KL retain term's use of π_ref (its logits on the retain batch) when there is one. */
    @Override
    default List<ReferenceUse> referenceUses(ModelInfo model) {
        return uses(this);
    }

    /**
     * {@code forgetUses} (what the forget term asks of π_ref) plus π_ref's logits on the retain batch when
     * the retain term is KL with {@code α > 0}.
     */
    static List<ReferenceUse> uses(TwoTermConfig c, ReferenceUse... forgetUses) {
        List<ReferenceUse> out = new ArrayList<>(List.of(forgetUses));
        if (c.alpha() > 0 && c.retainLossType() == RetainLossType.KL) {
            out.add(ReferenceUse.logits(ReferenceUse.StepBatch.RETAIN));
        }
        return out;
    }

    /** Rejects a negative {@code gamma} or {@code alpha}, naming the key. */
    static void checkWeights(double gamma, double alpha) {
        ConfigChecks.nonNegative("gamma", gamma);
        ConfigChecks.nonNegative("alpha", alpha);
    }

    /** {@code retain_loss_type} with its default {@code NLL}. */
    static RetainLossType type(RetainLossType t) {
        return t == null ? RetainLossType.NLL : t;
    }

    /** {@code kl_positions} (or another {@link LossPositions} key) with its default {@code all}. */
    static LossPositions positions(LossPositions p) {
        return p == null ? LossPositions.ALL : p;
    }
}

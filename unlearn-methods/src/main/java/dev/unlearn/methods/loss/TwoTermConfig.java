package dev.unlearn.methods.loss;

import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.MethodConfig;

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

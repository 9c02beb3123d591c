package dev.unlearn.methods.npo;

import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;

/** {@code npo}: see {@link NegativePreference} and {@link NpoLoss}. */
public final class NpoMethod implements UnlearningMethod<NpoConfig> {
    @Override
    public String name() {
        return "npo";
    }

    @Override
    public String description() {
        return "Negative preference optimization: bounded, reference-anchored ascent on forget sequence NLL.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<NpoConfig> configClass() {
        return NpoConfig.class;
    }

    @Override
    public NpoConfig defaults() {
        return NpoConfig.defaults();
    }

    @Override
    public LossMethod lossMethod(NpoConfig config, MethodContext<?> context, ModelInfo model) {
        return new NpoLoss(config, new ReferenceNllCache());
    }
}

package dev.unlearn.methods.dpo;

import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;

/**
 * {@code dpo}: see {@link PreferenceLoss} and {@link DpoLoss}. The preferred answers come from the file
 * named by {@code templates} (no default: name one, one answer per line); {@code idkdpo} is this method
 * with the refusal list as default.
 */
public final class DpoMethod implements UnlearningMethod<DpoConfig> {
    @Override
    public String name() {
        return "dpo";
    }

    @Override
    public String description() {
        return "DPO: prefer answers from a template file over the forget answer, anchored to the original model.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<DpoConfig> configClass() {
        return DpoConfig.class;
    }

    @Override
    public DpoConfig defaults() {
        return DpoConfig.defaults(null);
    }

    @Override
    public LossMethod lossMethod(DpoConfig config, MethodContext<?> context, ModelInfo model) {
        return new DpoLoss(config);
    }
}

package dev.unlearn.methods.dpo;

import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;

/**
 * {@code idkdpo}: TOFU's IdkDPO, {@link DpoMethod DPO} with "I don't know"-style refusals preferred over
 * the forget answer (OU: the DPO trainer over {@code QAwithIdkDataset}). Default refusal list: the
 * built-in world's {@code refusals.txt}; {@code templates: tofu-idontknow} selects TOFU's list.
 */
public final class IdkDpoMethod implements UnlearningMethod<DpoConfig> {
    @Override
    public String name() {
        return "idkdpo";
    }

    @Override
    public String description() {
        return "IdkDPO: prefer an \"I don't know\" refusal over the forget answer (DPO against the original model).";
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
        return DpoConfig.defaults(DpoConfig.BUILTIN_REFUSALS);
    }

    @Override
    public LossMethod lossMethod(DpoConfig config, MethodContext<?> context, ModelInfo model) {
        return new DpoLoss(config);
    }
}

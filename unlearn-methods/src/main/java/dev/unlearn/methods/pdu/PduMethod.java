package dev.unlearn.methods.pdu;

import dev.unlearn.methods.spi.DataChecks;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;

/** {@code pdu}: see {@link PduConfig} and {@link PrimalDualLoss}. A new loss (fresh λ) per run. */
public final class PduMethod implements UnlearningMethod<PduConfig> {
    @Override
    public String name() {
        return "pdu";
    }

    @Override
    public String description() {
        return "PDU: flatten forget logits under a retain-loss bound enforced by a dual variable (primal-dual).";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<PduConfig> configClass() {
        return PduConfig.class;
    }

    @Override
    public PduConfig defaults() {
        return PduConfig.defaults();
    }

    @Override
    public void check(PduConfig config, MethodContext<?> context, ModelInfo model) {
        config.requireEps();
        DataChecks.checkCommon(name(), config, context);
    }

    @Override
    public LossMethod lossMethod(PduConfig config, MethodContext<?> context, ModelInfo model) {
        int n = (int) context.forget().stream().filter(s -> s.tokens() != null).count();
        return new PrimalDualLoss(config, n);
    }
}

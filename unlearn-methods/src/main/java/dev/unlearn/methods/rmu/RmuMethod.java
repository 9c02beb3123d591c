package dev.unlearn.methods.rmu;

import dev.unlearn.methods.spi.DataChecks;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;

/** {@code rmu}: see {@link RepresentationMisdirection} and {@link RmuLoss}. */
public final class RmuMethod implements UnlearningMethod<RmuConfig> {
    @Override
    public String name() {
        return "rmu";
    }

    @Override
    public String description() {
        return "RMU: steer forget activations at one layer towards a random direction, pin retain activations.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<RmuConfig> configClass() {
        return RmuConfig.class;
    }

    @Override
    public RmuConfig defaults() {
        return RmuConfig.defaults();
    }

    @Override
    public void check(RmuConfig config, MethodContext<?> context, ModelInfo model) {
        DataChecks.checkCommon(name(), config, context);
        config.effectiveLayer(model);
    }

    /** The control vector is drawn from the run seed; a resumed run must reuse the stored one instead. */
    @Override
    public LossMethod lossMethod(RmuConfig config, MethodContext<?> context, ModelInfo model) {
        int layer = config.effectiveLayer(model);
        return new RmuLoss(config, layer, model.numLayers(), RepresentationMisdirection.controlVector(model.hiddenSize(),
                context.seed(), config.steeringCoeff()));
    }
}

package dev.unlearn.methods.undial;

import ai.djl.ndarray.NDArray;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.loss.TwoTermLoss;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;

/** {@code undial}: see {@link AdjustedDistillation}. The reference is forwarded on every forget batch. */
public final class UndialMethod implements UnlearningMethod<UndialConfig> {
    @Override
    public String name() {
        return "undial";
    }

    @Override
    public String description() {
        return "UNDIAL: self-distil from the original model with the forget token's logit lowered by beta.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<UndialConfig> configClass() {
        return UndialConfig.class;
    }

    @Override
    public UndialConfig defaults() {
        return UndialConfig.defaults();
    }

    @Override
    public LossMethod lossMethod(UndialConfig c, MethodContext<?> context, ModelInfo model) {
        return (policy, reference, b, m) -> {
            if (reference == null) {
                throw new IllegalStateException("UNDIAL needs the reference model's forward");
            }
            NDArray labels = b.forget().labels(m);
            NDArray student = policy.logits(b.forget(), m);
            NDArray lossF = AdjustedDistillation.loss(student, reference.logits(b.forget(), m), labels, c.beta(),
                    c.positions(), c.referenceQuirks());
            NDArray forgetNll = SequenceLosses.pooledNll(student.stopGradient(), labels);
            var s = TwoTermLoss.assemble(lossF, forgetNll, c.gamma(), c.alpha(), c.retainLossType(), c.klPositions(),
                    policy, reference, b, m);
            return s.withTotal(s.total(), "distill", lossF);
        };
    }
}

package dev.unlearn.methods.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.function.Function;

/** Autograd helper: the gradient of a scalar function at {@code x}. */
public final class Ops {
    private Ops() {}

    public static double[] grad(NDArray x, Function<NDArray, NDArray> f) {
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(f.apply(x));
        }
        return x.getGradient().toDoubleArray();
    }
}

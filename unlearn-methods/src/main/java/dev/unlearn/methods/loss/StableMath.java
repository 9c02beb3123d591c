package dev.unlearn.methods.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/**
 * Numerically stable elementwise functions (methods.md §0). {@code softplus} is PyTorch's
 * {@code log1p(exp(x))} (exact to double precision, returns {@code x} above 20), so
 * {@code log σ(x) = −softplus(−x)} never overflows: {@code log σ(−200) = −200},
 * {@code log σ(200) ≈ −1.4e−87}. Never compute {@code log(sigmoid(x))}.
 */
public final class StableMath {
    private StableMath() {}

    /** {@code softplus(x) = log(1 + e^x)}, elementwise. */
    public static NDArray softplus(NDArray x) {
        return Activation.softPlus(x);
    }

    /** {@code log σ(x) = −softplus(−x)}, elementwise. */
    public static NDArray logSigmoid(NDArray x) {
        return softplus(x.neg()).neg();
    }

    /** Casts half-precision arrays to float32; float32 and float64 stay as they are. */
    public static NDArray computeType(NDArray x) {
        DataType dt = x.getDataType();
        return dt == DataType.FLOAT32 || dt == DataType.FLOAT64 ? x : x.toType(DataType.FLOAT32, false);
    }

    /** {@code log(1 + e^x)} for a double, stable for every x. */
    public static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** {@code log σ(x)} for a double. */
    public static double logSigmoid(double x) {
        return -softplus(-x);
    }

    /** {@code σ(x)} for a double. */
    public static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}

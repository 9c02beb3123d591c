package dev.unlearn.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic between an array and a Java number whose scalar tensor is safe under autograd. Use these
 * instead of DJL's {@code NDArray.add/sub/mul/div/pow/maximum/minimum(Number)} (an architecture rule,
 * {@code ScalarHazardRuleTest}, forbids those in main code).
 *
 * <p>Why: on the PyTorch engine {@code x.mul(3.0)} wraps the number in a tensor over a Java direct
 * {@code ByteBuffer} ({@code torch::from_blob}, memory libtorch does not own) and closes the Java handle
 * right after the op. Autograd keeps that tensor for the backward pass of {@code mul}, {@code div},
 * {@code pow}, {@code maximum} and {@code minimum}; once a garbage collection frees the buffer, the
 * backward pass reads freed memory and the gradient is garbage (65536, Infinity). The tensors made here
 * are allocated by libtorch ({@code torch::full} or a clone), so the autograd graph holds a real
 * reference and the Java handle can be closed at once.
 *
 * <p>Types follow PyTorch's rule for a Python scalar, so results keep the array's type: a floating
 * array of any width gets a float32 scalar (float64 for a float64 array), which as a 0-d tensor does not
 * promote the result; an integer array, and a 0-d array (where a float32 scalar would promote a half
 * type), get a scalar of the array's own type.
 */
public final class Scalars {
    private Scalars() {}

    /** A 0-d tensor holding {@code value}, in {@code like}'s manager and device, with memory libtorch owns. */
    public static NDArray of(NDArray like, double value) {
        DataType t = like.getDataType();
        if (t == DataType.FLOAT64) {
            // full() takes a float; keep all 53 bits by cloning a Java-backed tensor into libtorch memory
            try (NDArray javaBacked = like.getManager().create(value)) {
                return javaBacked.duplicate();
            }
        }
        DataType st = t.isFloating() && like.getShape().dimension() > 0 ? DataType.FLOAT32 : t;
        return like.getManager().full(new Shape(), (float) value, st);
    }

    /** {@code x + c}. */
    public static NDArray add(NDArray x, double c) {
        return apply(x, c, NDArray::add);
    }

    /** {@code x - c}. */
    public static NDArray sub(NDArray x, double c) {
        return apply(x, c, NDArray::sub);
    }

    /** {@code c - x}. */
    public static NDArray rsub(double c, NDArray x) {
        return apply(x, c, (a, s) -> s.sub(a));
    }

    /** {@code x * c}. */
    public static NDArray mul(NDArray x, double c) {
        return apply(x, c, NDArray::mul);
    }

    /** {@code x / c}. */
    public static NDArray div(NDArray x, double c) {
        return apply(x, c, NDArray::div);
    }

    /** {@code c / x}. */
    public static NDArray rdiv(double c, NDArray x) {
        return apply(x, c, (a, s) -> s.div(a));
    }

    /** {@code x ^ c}. */
    public static NDArray pow(NDArray x, double c) {
        return apply(x, c, NDArray::pow);
    }

    /** Elementwise {@code max(x, c)}. */
    public static NDArray maximum(NDArray x, double c) {
        return apply(x, c, NDArray::maximum);
    }

    /** Elementwise {@code min(x, c)}. */
    public static NDArray minimum(NDArray x, double c) {
        return apply(x, c, NDArray::minimum);
    }

    /** {@code op(x, scalar c)}; the scalar's handle is closed at once (autograd holds its own reference). */
    private static NDArray apply(NDArray x, double c, BinaryOperator<NDArray> op) {
        try (NDArray s = of(x, c)) {
            return op.apply(x, s);
        }
    }
}

package dev.unlearn.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.InvalidInputException;
import java.util.Locale;

/**
 * How a model's weight matrices are stored and multiplied: {@code fp32}, or half precision ({@code bf16},
 * {@code fp16}). In half precision the matrices (embedding, projections, LM head) are held in that type and
 * every GEMM runs in it, with its input rounded to it and its output widened back to float32 (what
 * {@code torch.autocast} does to a linear layer); norms, biases, RoPE, attention softmax, logits' log-softmax,
 * losses, LoRA adapters and optimizer state stay float32.
 *
 * <p>DJL 0.36 has no bfloat16 in its type table (it reports such a tensor as {@link DataType#UNKNOWN} and
 * aborts the JVM when asked to create or convert to one), so bfloat16 arrays are made and converted only by
 * the toolkit's TorchScript kernels ({@code TorchKernels.cast}); {@link #of(NDArray)} reads an unknown
 * floating type as bfloat16 for that reason.
 */
public enum Precision {
    FP32("fp32", 6),
    BF16("bf16", 15),
    FP16("fp16", 5);

    private final String key;
    private final int torchCode;

    Precision(String key, int torchCode) {
        this.key = key;
        this.torchCode = torchCode;
    }

    /** The recipe and CLI spelling ({@code fp32}, {@code bf16}, {@code fp16}). */
    public String key() {
        return key;
    }

    /** The number of the type in libtorch's {@code ScalarType} (6 float32, 15 bfloat16, 5 float16). */
    public int torchCode() {
        return torchCode;
    }

    /** Whether this is a half type. */
    public boolean half() {
        return this != FP32;
    }

    /** Bytes per stored element. */
    public int bytes() {
        return half() ? 2 : 4;
    }

    /**
     * Parses a recipe value or CLI argument ({@code fp32|float32}, {@code bf16|bfloat16}, {@code fp16|float16},
     * any case).
     *
     * @param where the key or option named in the error, e.g. {@code methods[0].train.precision}
     * @throws InvalidInputException for anything else
     */
    public static Precision parse(String value, String where) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "fp32", "float32", "f32":
                return FP32;
            case "bf16", "bfloat16":
                return BF16;
            case "fp16", "float16", "f16", "half":
                return FP16;
            default:
                throw new InvalidInputException(where + " must be fp32, bf16 or fp16, found '" + value + "'");
        }
    }

    /** The precision an array is stored in: float16 is FP16, DJL's unknown type BF16 (see above), else FP32. */
    public static Precision of(NDArray a) {
        DataType t = a.getDataType();
        if (t == DataType.FLOAT16) {
            return FP16;
        }
        if (t == DataType.UNKNOWN || t == DataType.BFLOAT16) {
            return BF16;
        }
        return FP32;
    }
}

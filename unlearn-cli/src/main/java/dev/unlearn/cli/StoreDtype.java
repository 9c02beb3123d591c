package dev.unlearn.cli;

import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.InvalidInputException;
import java.util.Locale;

/** The stored dtype of a written checkpoint, as {@code finetune --dtype} and {@code forget --save-dtype} spell it. */
public final class StoreDtype {
    private StoreDtype() {}

    /**
     * {@code f32}/{@code float32} or {@code bf16}/{@code bfloat16} (either spelling, any case).
     *
     * @param option the option, named in the error
     */
    public static DataType parse(String option, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DataType.FLOAT32;
            case "bf16", "bfloat16" -> DataType.BFLOAT16;
            default -> throw new InvalidInputException(option + " must be float32 (f32) or bfloat16 (bf16), found '"
                    + value + "'");
        };
    }
}

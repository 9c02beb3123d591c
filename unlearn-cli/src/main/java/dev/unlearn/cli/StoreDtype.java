package dev.unlearn.cli;

import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.InvalidInputException;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --save-dtype} of the commands that write a checkpoint ({@code finetune}, {@code forget}; a picocli
 * mixin): the stored dtype of the written weights. {@code --dtype} is the same option ({@code finetune}'s
 * earlier name, kept so existing scripts run).
 */
public class StoreDtype {
    @Option(names = {"--save-dtype", "--dtype"}, defaultValue = "float32", paramLabel = "f32|bf16",
            description = "Dtype of the saved weights: float32 (f32) or bfloat16 (bf16). Default: ${DEFAULT-VALUE}.")
    String value;

    /** The parsed dtype; an input error naming {@code --save-dtype} for anything else. */
    public DataType dataType() {
        return parse("--save-dtype", value);
    }

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

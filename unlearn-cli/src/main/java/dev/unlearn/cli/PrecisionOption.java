package dev.unlearn.cli;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.model.Precision;
import picocli.CommandLine.Option;

/**
 * {@code --precision} of the commands that load a model (a picocli mixin): how its weight matrices are
 * stored and multiplied ({@link Precision}).
 */
public class PrecisionOption {
    @Option(names = "--precision", paramLabel = "fp32|bf16|fp16", defaultValue = "fp32",
            description = "Weight matrices stored and multiplied in fp32, bf16 or fp16 (activations, norms, losses, LoRA"
                    + " adapters and optimizer state stay fp32). bf16/fp16 halve the weights' memory; training in them"
                    + " needs LoRA adapters (the base stays frozen). Default: ${DEFAULT-VALUE}.")
    public String value;

    /** The parsed precision; an input error naming the option for anything else. */
    public Precision precision() {
        return Precision.parse(value, "--precision");
    }

    /**
     * Refuses a half precision for a run that trains every weight: half-precision training keeps the base
     * frozen and trains LoRA adapters in float32.
     *
     * @param adapters whether the run trains LoRA adapters
     * @param what the run, for the message (e.g. "method 'npo'")
     */
    public static void requireAdaptersForHalf(Precision p, boolean adapters, String what, String adapterHint) {
        if (p.half() && !adapters) {
            throw new InvalidInputException(what + " trains every weight, which this toolkit does in fp32 only; precision "
                    + p.key() + " stores a frozen base and trains LoRA adapters: add " + adapterHint
                    + ", or use precision fp32");
        }
    }
}

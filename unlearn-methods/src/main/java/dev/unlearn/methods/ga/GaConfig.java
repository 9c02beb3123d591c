package dev.unlearn.methods.ga;

import dev.unlearn.methods.spi.MethodConfig;

/** Gradient ascent has no keys of its own (methods.md §2); training settings belong to core's loop. */
public record GaConfig() implements MethodConfig {
    /** The defaults (there are none to set). */
    public static GaConfig defaults() {
        return new GaConfig();
    }
}

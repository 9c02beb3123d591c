package dev.unlearn.cli.commands;

import dev.unlearn.core.InvalidInputException;

/** Range checks of option values, run before any work so that a bad value exits 2 at once. */
public final class Options {
    private Options() {}

    public static void positive(String option, long v) {
        if (v <= 0) {
            throw new InvalidInputException(option + " must be positive, found " + v);
        }
    }

    public static void nonNegative(String option, long v) {
        if (v < 0) {
            throw new InvalidInputException(option + " must be >= 0, found " + v);
        }
    }

    public static void positive(String option, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new InvalidInputException(option + " must be a positive finite number, found " + v);
        }
    }

    public static void nonNegative(String option, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new InvalidInputException(option + " must be a finite number >= 0, found " + v);
        }
    }
}

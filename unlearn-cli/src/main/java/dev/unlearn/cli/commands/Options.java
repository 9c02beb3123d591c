package dev.unlearn.cli.commands;

import dev.unlearn.core.InvalidInputException;

/**
 * Checks of option values, run before any work so that a bad value exits 2 at once: ranges, and options
 * given where they would be ignored.
 */
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

    /**
     * Refuses the first of {@code options} given on the command line: each {@code applies} (e.g. "to
     * --question/--answer only"), and the form chosen ({@code because}) would ignore it.
     */
    public static void refuseIgnored(picocli.CommandLine.Model.CommandSpec spec, String applies, String because,
            String... options) {
        picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (String o : options) {
            if (parsed.hasMatchedOption(o)) {
                throw new InvalidInputException(o + " applies " + applies + ", and " + because
                        + ", so it would be ignored; leave " + o + " out");
            }
        }
    }
}

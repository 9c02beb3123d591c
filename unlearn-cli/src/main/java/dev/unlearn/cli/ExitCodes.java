package dev.unlearn.cli;

/** Exit codes of the {@code unlearn} command, documented in {@code --help} and the README. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A check failed: verification thresholds of a deletion request, a tampered audit log. */
    public static final int CHECK_FAILED = 1;
    /** Bad input: unreadable or malformed checkpoint, recipe, data file, config or option. */
    public static final int BAD_INPUT = 2;
    /** A bug or an environment problem (native library missing, out of memory). */
    public static final int INTERNAL = 3;

    private ExitCodes() {}
}

package dev.unlearn.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exit codes of the {@code unlearn} command, one table for {@link Cli}'s exception mapper, every
 * command's {@code --help} ("Exit codes:" section, from {@link #HELP}) and the README.
 *
 * <ul>
 *   <li>{@code 0}: success;</li>
 *   <li>{@code 1}: a check the user asked for failed, and only that:
 *       {@link dev.unlearn.core.VerificationFailedException} (deletion-request thresholds) and a
 *       broken audit-log chain ({@code request verify-log});</li>
 *   <li>{@code 2}: bad input: {@link dev.unlearn.core.InvalidInputException} (checkpoint, recipe,
 *       data file, config key or value, output folder) and picocli usage errors (unknown option,
 *       missing or malformed value), a missing input file;</li>
 *   <li>{@code 3}: internal and infrastructure errors: a missing native library, a crash inside a
 *       stage, a training run that diverged
 *       ({@link dev.unlearn.core.train.TrainingDivergedException}), any other exception (a bug).</li>
 * </ul>
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A check failed: verification thresholds of a deletion request, a broken audit log. Nothing else. */
    public static final int CHECK_FAILED = 1;
    /** Bad input: unreadable or malformed checkpoint, recipe, data file, config or option; usage errors. */
    public static final int BAD_INPUT = 2;
    /** Internal or infrastructure error: native library missing, a stage crashed, training diverged, a bug. */
    public static final int INTERNAL = 3;

    /** The {@code --help} section, code to explanation (picocli {@code exitCodeList}). */
    public static final Map<String, String> HELP = help();

    private ExitCodes() {}

    private static Map<String, String> help() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(" " + OK, "success");
        m.put(" " + CHECK_FAILED, "a check failed: verification thresholds of a deletion request, a broken audit log");
        m.put(" " + BAD_INPUT, "bad input: checkpoint, recipe, data, config key or value, option (usage error)");
        m.put(" " + INTERNAL, "internal or infrastructure error: missing native library, a crash inside a stage,"
                + " training diverged (NaN/Inf); -x prints the stack trace");
        return java.util.Collections.unmodifiableMap(m);
    }
}

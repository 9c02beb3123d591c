package dev.unlearn.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every command takes, declared once on the top-level command and inherited by every
 * subcommand (picocli {@code scope = INHERIT}): {@code -x}, {@code -q}, {@code -v}. The values live in
 * the top-level command's instance; {@link #of} finds them from any command.
 */
public class GlobalOptions {
    private static final GlobalOptions DEFAULTS = new GlobalOptions();

    @Option(names = {"-x", "--stacktrace"}, scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
    public boolean stacktrace;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print results and errors only: no progress, no info lines, engine logs at ERROR.")
    public boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Show debug logging, the engine's included.")
    public boolean verbose;

    /** The options given on the command line of {@code spec}'s top-level command (defaults when it is not {@code unlearn}). */
    public static GlobalOptions of(CommandSpec spec) {
        if (spec != null && spec.root().userObject() instanceof UnlearnCommand u && u.global != null) {
            return u.global;
        }
        return DEFAULTS;
    }
}

package dev.unlearn.cli;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.VerificationFailedException;
import dev.unlearn.core.train.TrainingDivergedException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one factory that wires the {@code unlearn} command for {@link Main} and for tests: output and
 * error streams, the exception-to-exit-code mapping and one-line error messages ({@code -x} prints
 * the stack trace too). The mapping is {@link ExitCodes}'s table; every command's {@code --help} ends
 * with it.
 */
public final class Cli {
    private Cli() {}

    /** Help is laid out for this many columns; examples in help texts are written to fit it. */
    public static final int USAGE_WIDTH = 120;

    /** The command line for tests: stderr is not a terminal, so progress is printed as plain lines. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, false);
    }

    /**
     * @param interactive whether {@code err} is a terminal (progress bars are then redrawn in place)
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean interactive) {
        System.setProperty("ai.djl.offline", "true");
        UnlearnCommand root = new UnlearnCommand();
        root.interactive = interactive;
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setUsageHelpWidth(USAGE_WIDTH);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Cli::handle);
        cl.setExecutionStrategy(parsed -> {
            GlobalOptions g = root.global;
            Logging.configure(g.quiet, g.verbose, gpuRequested(parsed));
            return new CommandLine.RunLast().execute(parsed);
        });
        documentExitCodes(cl);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + safe(ex.getMessage()));
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
                c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            }
            return ExitCodes.BAD_INPUT;
        });
        return cl;
    }

    /** Whether the command line asks for a GPU ({@code --device gpu...} on any command level). */
    static boolean gpuRequested(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--device")) {
                Object v = p.matchedOptionValue("--device", "cpu");
                if (String.valueOf(v).toLowerCase(java.util.Locale.ROOT).startsWith("gpu")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * What a command group run without a subcommand does ({@code unlearn}, {@code unlearn request}):
     * says so and prints the group's usage on stderr; the exit code is {@link ExitCodes#BAD_INPUT}.
     */
    public static int missingSubcommand(picocli.CommandLine.Model.CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: no command given; choose one of the commands below");
        spec.commandLine().usage(err);
        err.flush();
        return ExitCodes.BAD_INPUT;
    }

    /** Adds the "Exit codes:" section to the help of the command and of every subcommand. */
    private static void documentExitCodes(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.HELP);
        cl.getSubcommands().values().forEach(Cli::documentExitCodes);
    }

    /** The exit code for an exception thrown by a command ({@link ExitCodes}). */
    static int exitCode(Throwable ex) {
        if (ex instanceof VerificationFailedException) {
            return ExitCodes.CHECK_FAILED;
        }
        if (ex instanceof InvalidInputException || ex instanceof java.nio.file.NoSuchFileException
                || ex instanceof CommandLine.ParameterException) {
            return ExitCodes.BAD_INPUT;
        }
        return ExitCodes.INTERNAL;
    }

    private static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean trace = parsed != null && hasStacktraceFlag(parsed);
        int code = exitCode(ex);
        String prefix;
        if (ex instanceof InvalidInputException) {
            prefix = "error: ";
        } else if (ex instanceof VerificationFailedException) {
            prefix = "verification failed: ";
        } else if (ex instanceof TrainingDivergedException) {
            prefix = "training diverged: ";
        } else if (ex instanceof UnlearnException) {
            prefix = "error: ";
        } else if (ex instanceof java.nio.file.NoSuchFileException nsf) {
            err.println("error: no such file: " + safe(nsf.getFile()));
            return ExitCodes.BAD_INPUT;
        } else {
            code = ExitCodes.INTERNAL;
            prefix = "internal error (" + ex.getClass().getSimpleName() + "): ";
        }
        err.println(prefix + safe(ex.getMessage()));
        if (trace) {
            ex.printStackTrace(err);
        } else if (code == ExitCodes.INTERNAL) {
            err.println("Re-run with -x for the stack trace.");
        }
        err.flush();
        return code;
    }

    /** Each line of an error message with control characters escaped (input is echoed in messages). */
    static String safe(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        String[] lines = message.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            b.append(i > 0 ? "\n" : "").append(Texts.printable(lines[i]));
        }
        return b.toString();
    }

    private static boolean hasStacktraceFlag(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("-x")) {
                return true;
            }
        }
        return false;
    }
}

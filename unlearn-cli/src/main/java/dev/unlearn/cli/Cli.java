package dev.unlearn.cli;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.VerificationFailedException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one factory that wires the {@code unlearn} command for {@link Main} and for tests: output and
 * error streams, the exception-to-exit-code mapping and one-line error messages ({@code -x} prints
 * the stack trace too).
 */
public final class Cli {
    private Cli() {}

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        System.setProperty("ai.djl.offline", "true");
        CommandLine cl = new CommandLine(new UnlearnCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Cli::handle);
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

    private static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean trace = parsed != null && hasStacktraceFlag(parsed);
        int code;
        String prefix;
        if (ex instanceof InvalidInputException) {
            code = ExitCodes.BAD_INPUT;
            prefix = "error: ";
        } else if (ex instanceof VerificationFailedException) {
            code = ExitCodes.CHECK_FAILED;
            prefix = "verification failed: ";
        } else if (ex instanceof UnlearnException) {
            code = ExitCodes.CHECK_FAILED;
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

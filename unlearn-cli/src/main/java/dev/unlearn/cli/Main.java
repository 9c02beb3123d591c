package dev.unlearn.cli;

import java.io.PrintWriter;

/** Entry point of the {@code unlearn} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = Cli.commandLine(out, err, System.console() != null).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}

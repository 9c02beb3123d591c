package dev.unlearn.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process through the shared factory and captures exit code, stdout and stderr. */
public record CliRun(int code, String out, String err) {
    public static CliRun of(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Cli.commandLine(new PrintWriter(o, true), new PrintWriter(e, true)).execute(args);
        return new CliRun(code, o.toString(), e.toString());
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
    }
}

package dev.unlearn.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command: its spec, for its output streams (results go to {@link #out()}, never to {@code System.out}). */
public abstract class BaseCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    /** Where results go: the command line's stdout. */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints one result line (a JSON object, a path) to {@link #out()} and flushes it. */
    protected void result(String line) {
        PrintWriter o = out();
        o.println(line);
        o.flush();
    }
}

package dev.unlearn.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code unlearn}, {@code unlearn eval}, {@code unlearn request}, ...):
 * run without one it says so and prints its usage ({@link Cli#missingSubcommand}, exit 2).
 */
public abstract class CommandGroup implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.missingSubcommand(spec);
    }
}

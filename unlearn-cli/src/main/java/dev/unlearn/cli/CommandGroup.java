package dev.unlearn.cli;

/**
 * A command that only groups subcommands ({@code unlearn}, {@code unlearn eval}, {@code unlearn request}, ...):
 * run without one it says so and prints its usage ({@link Cli#missingSubcommand}, exit 2).
 */
public abstract class CommandGroup extends BaseCommand {
    @Override
    public Integer call() {
        return Cli.missingSubcommand(spec);
    }
}

package dev.unlearn.cli;

import picocli.CommandLine.Option;

/** The {@code --seed} of every command that draws at random (a picocli mixin). */
public class SeedOption {
    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of everything the command draws at random (initialisation, shuffles, samples, splits)."
                    + " Default: ${DEFAULT-VALUE}.")
    public long value;
}

package dev.unlearn.cli;

import picocli.CommandLine.Option;

/** {@code --allow-nonfinite} of the commands that load a model for inspection (a picocli mixin). */
public class NonFiniteOption {
    @Option(names = "--allow-nonfinite", description = "Load a model with NaN or infinite weights (for inspection); refused by default.")
    public boolean allowed;
}

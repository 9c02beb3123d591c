package dev.unlearn.cli;

import picocli.CommandLine.Option;

/**
 * {@code --strict} of the commands that compare a model's TOFU forget log with the retain model's
 * ({@code eval tofu}, {@code eval tofu-aggregate}; a picocli mixin): the split check fails instead of warning.
 */
public class StrictOption {
    @Option(names = "--strict", description = "Fail (instead of warn) when model and retain forget logs differ in size.")
    public boolean enabled;
}

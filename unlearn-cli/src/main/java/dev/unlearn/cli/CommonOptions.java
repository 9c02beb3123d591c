package dev.unlearn.cli;

import picocli.CommandLine.Option;

/** Options every subcommand takes (a picocli mixin). */
public class CommonOptions {

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "cpu, gpu or gpu:N (GPU needs the -Pgpu build). Default: ${DEFAULT-VALUE}.")
    public String device;
}

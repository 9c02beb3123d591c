package dev.unlearn.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The required {@code --model DIR} of every command that reads one checkpoint (a picocli mixin). */
public class ModelOption {
    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Hugging Face checkpoint directory (config.json, weights, tokenizer files); only read, never modified.")
    public Path dir;
}

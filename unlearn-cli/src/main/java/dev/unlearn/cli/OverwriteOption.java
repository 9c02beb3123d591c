package dev.unlearn.cli;

import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.core.InvalidInputException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --overwrite} of the commands that save a checkpoint to {@code --out} ({@code finetune}, {@code forget};
 * a picocli mixin): without it a folder that holds files is refused, so a typo never costs a trained model; with
 * it only a checkpoint or adapter folder the toolkit saved is replaced ({@link OutputDirs#requireOurs}).
 */
public class OverwriteOption {
    @Option(names = "--overwrite", description = "Replace --out if it already holds files; only a checkpoint or adapter folder"
            + " unlearn saved is ever replaced (never a run, sweep or request folder), nor one that holds or lies inside an"
            + " input.")
    public boolean enabled;

    /** Checks {@code out}, before any work (the caller has refused an overlap with the inputs). */
    public void check(Path out) {
        if (!enabled && OutputDirs.holdsFiles(out, "--out")) {
            throw new InvalidInputException("--out " + out + " already holds files; choose a new directory or"
                    + " pass --overwrite to replace it.");
        }
        OutputDirs.requireOurs(out, "--out");
    }
}

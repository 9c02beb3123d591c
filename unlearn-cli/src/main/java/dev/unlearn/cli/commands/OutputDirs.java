package dev.unlearn.cli.commands;

import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Checks on output directories shared by the commands that write models. */
public final class OutputDirs {
    private OutputDirs() {}

    /** Refuses an output that is, or lies inside, or contains an input model directory. */
    public static void refuseOverlap(Path out, Path input, String inputOption) {
        if (input == null) {
            return;
        }
        Path o = out.toAbsolutePath().normalize();
        Path i = input.toAbsolutePath().normalize();
        if (o.startsWith(i) || i.startsWith(o)) {
            throw new InvalidInputException("--out " + out + " overlaps the input model " + inputOption + " " + input
                    + "; the input model is never modified: choose another output directory");
        }
    }

    /** Deletes a directory tree if it exists (best effort for temporary folders). */
    public static void deleteTree(Path p) {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(q);
            }
        } catch (IOException ignored) {
            // leftovers of a temporary folder are harmless
        }
    }
}

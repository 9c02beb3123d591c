package dev.unlearn.cli.safety;

import dev.unlearn.core.io.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Tree digests (every file, hidden ones and empty folders included) and copies for the safety tests. */
public final class Trees {
    private Trees() {}

    /** Relative path to SHA-256 of every file, plus every folder (so an added or removed folder shows too). */
    public static Map<String, String> digest(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>(Digests.directoryManifest(root));
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isDirectory).forEach(d -> m.put(root.relativize(d) + "/", "dir"));
        }
        return m;
    }

    /** A run directory as {@code unlearn run} leaves one: the mark, a finished data stage and a report. */
    static Path runDirectory(Path dir) throws IOException {
        dev.unlearn.cli.commands.OutputDirs.claim(dir, "run directory", dev.unlearn.cli.commands.OutputDirs.Kind.RUN);
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/manifest.json"), "{}");
        Files.createDirectories(dir.resolve("report"));
        Files.writeString(dir.resolve("report/report.html"), "a day of training");
        return dir;
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}

package dev.unlearn.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates {@code ../shared} (fixtures and specs) beside the checkout: the {@code unlearn.shared.dir}
 * system property (set by the parent pom), else the {@code UNLEARN_SHARED} variable, else the first
 * {@code shared/fixtures} found walking up from the working directory.
 */
public final class Fixtures {
    private Fixtures() {}

    public static Path sharedDir() {
        for (String c : new String[] {System.getProperty("unlearn.shared.dir"), System.getenv("UNLEARN_SHARED")}) {
            if (c != null && Files.isDirectory(Paths.get(c, "fixtures"))) {
                return Paths.get(c).toAbsolutePath().normalize();
            }
        }
        Path p = Paths.get("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("shared/fixtures"))) {
                return p.resolve("shared");
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find ../shared/fixtures; set -Dunlearn.shared.dir=PATH");
    }

    public static Path fixture(String first, String... more) {
        return sharedDir().resolve("fixtures").resolve(Paths.get(first, more));
    }
}

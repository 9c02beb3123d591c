package dev.unlearn.core.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Staging folders for outputs that are written in full and then renamed into place. Unlike
 * {@link Files#createTempDirectory}, which always makes a folder only its owner can read ({@code rwx------}),
 * the folder gets the permissions any new folder gets under the process's umask, so a model or run folder
 * renamed from it is as readable as one made with {@code mkdir} (a group that shares a model store can
 * read it; a restrictive umask still applies).
 */
public final class StagingDirs {
    private static final SecureRandom RANDOM = new SecureRandom();

    private StagingDirs() {}

    /** A new, empty folder {@code parent/prefix<random digits>} (as {@code createTempDirectory} names them); {@code parent} must exist. */
    public static Path create(Path parent, String prefix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = parent.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong()));
            try {
                return Files.createDirectory(p);
            } catch (FileAlreadyExistsException ex) {
                if (attempt >= 100) {
                    throw ex;
                }
            }
        }
    }
}

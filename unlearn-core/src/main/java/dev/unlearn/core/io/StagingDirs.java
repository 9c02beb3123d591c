package dev.unlearn.core.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.security.SecureRandom;

/**
 * Staging folders for outputs that are written in full and then renamed into place. Unlike
 * {@link Files#createTempDirectory}, which always makes a folder only its owner can read ({@code rwx------}),
 * the folder gets the permissions any new folder gets under the process's umask, so a model or run folder
 * renamed from it is as readable as one made with {@code mkdir} (a group that shares a model store can
 * read it; a restrictive umask still applies). {@link #swapIn} then puts the finished folder in place.
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

    /**
     * Puts the finished folder {@code tmp} at {@code target} (a sibling): an existing {@code target} is moved
     * aside to {@code .NAME.old-*} first and deleted only after the rename, so a crash leaves either the old
     * or the new folder (and a leftover {@code .old-} folder that the next write may remove).
     */
    public static void swapIn(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            old = create(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            deleteTree(old);
        }
    }

    /**
     * Deletes a folder tree the toolkit wrote, if it exists (best effort: a staging or a replaced folder);
     * symbolic links are deleted, never followed.
     */
    public static void deleteTree(Path p) {
        if (p == null || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(q);
            }
        } catch (IOException | UncheckedIOException ignored) {
            // leftovers of a staging folder are harmless
        }
    }
}

package dev.unlearn.cli.commands;

import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a lock file, held by this process through {@link FileChannel#lock} (so other
 * processes are excluded) and by this thread through a JVM-wide {@link ReentrantLock} per file (the
 * OS lock is per process: two threads of one JVM would otherwise both pass it, or get an
 * {@code OverlappingFileLockException}). The holder (pid, start time, what) is written into the
 * lock file so that a second process can name it. The lock file itself is never deleted: deleting it
 * would let two processes lock two different files of the same name.
 */
public final class FileLocks implements AutoCloseable {
    private static final Map<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock jvm;
    /** The OS lock; its {@link FileLock#channel() channel} is the open lock file. */
    private final FileLock lock;

    private FileLocks(ReentrantLock jvm, FileLock lock) {
        this.jvm = jvm;
        this.lock = lock;
    }

    /** Waits for the lock on {@code lockFile} (used around audit-log appends). */
    public static FileLocks exclusive(Path lockFile, String what) {
        ReentrantLock j = IN_JVM.computeIfAbsent(key(lockFile), k -> new ReentrantLock());
        j.lock();
        return withOsLock(j, lockFile, what, true);
    }

    /**
     * Takes the lock on {@code lockFile} or fails at once (exit 2) naming the holder: for run
     * directories and requests in progress, where waiting would only repeat the work.
     */
    public static FileLocks tryExclusive(Path lockFile, String what) {
        ReentrantLock j = IN_JVM.computeIfAbsent(key(lockFile), k -> new ReentrantLock());
        if (j.isHeldByCurrentThread() || !j.tryLock()) {
            throw busy(lockFile, what);
        }
        return withOsLock(j, lockFile, what, false);
    }

    /** With {@code j} held: takes the OS lock (waiting, or failing at once naming the holder); releases {@code j} on failure. */
    private static FileLocks withOsLock(ReentrantLock j, Path lockFile, String what, boolean wait) {
        FileChannel ch = null;
        try {
            ch = open(lockFile);
            FileLock l = wait ? ch.lock() : ch.tryLock();
            if (l == null) {
                throw busy(lockFile, what);
            }
            writeHolder(ch, what);
            return new FileLocks(j, l);
        } catch (IOException ex) {
            closeQuietly(ch);
            j.unlock();
            throw new UncheckedIOException("cannot lock " + lockFile, ex);
        } catch (RuntimeException ex) {
            closeQuietly(ch);
            j.unlock();
            throw ex;
        }
    }

    private static InvalidInputException busy(Path lockFile, String what) {
        String holder;
        try {
            holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
        } catch (IOException ex) {
            holder = "";
        }
        return new InvalidInputException(what + " is in use by another unlearn process"
                + (holder.isEmpty() ? "" : " (" + holder + ")") + "; wait for it to finish (lock file " + lockFile + ")");
    }

    private static FileChannel open(Path lockFile) throws IOException {
        Path parent = lockFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    }

    private static void writeHolder(FileChannel ch, String what) throws IOException {
        String s = "held by pid " + ProcessHandle.current().pid() + " since " + Instant.now() + " for " + what + "\n";
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
    }

    private static Path key(Path lockFile) {
        return OutputDirs.real(lockFile);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing releases the OS lock
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        } finally {
            closeQuietly(lock.channel());
            jvm.unlock();
        }
    }
}

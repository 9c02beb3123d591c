package dev.unlearn.cli.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.Version;
import dev.unlearn.cli.commands.FileLocks;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.core.BuildInfo;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.io.StagingDirs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * Runs the stages of a run directory so that a re-run skips what is unchanged and an interrupted run
 * leaves nothing corrupt.
 *
 * <p>A stage is identified by a name and a <em>fingerprint</em>: a JSON object holding its config,
 * seed and the digests of its inputs (upstream stages' fingerprints or file digests). The stage
 * writes into a fresh temporary directory {@code .tmp-NAME-*}; when it succeeds, {@code manifest.json}
 * (fingerprint, its digest, library versions read at run time, start time, wall seconds) is written into it and the directory
 * is renamed to {@code NAME}. A stage whose {@code NAME/manifest.json} holds the same fingerprint
 * digest is skipped. A crash leaves only a temporary directory, removed on the next run.
 *
 * <p>The run directory must be one the toolkit created ({@link OutputDirs#claim}); it is locked
 * ({@value #LOCK}) for as long as this runner is open, so a second run on it fails fast.
 */
public final class StageRunner implements AutoCloseable {
    /** The lock file of a run directory: a second run on the same directory fails fast naming the holder. */
    public static final String LOCK = ".lock";

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final Path runDir;
    private final PrintWriter log;
    private final FileLocks lock;
    private final BuildInfo build;

    /** The work of one stage: write outputs into {@code dir}. */
    @FunctionalInterface
    public interface Work {
        void run(Path dir) throws Exception;
    }

    /** What a stage produced: its directory, its fingerprint digest, whether it ran or was reused, wall time. */
    public record Outcome(String name, Path dir, String digest, boolean skipped, double wallSeconds) {}

    public StageRunner(Path runDir, PrintWriter log) {
        this(runDir, log, BuildInfo.current());
    }

    /** A runner for code described by {@code build} (tests use it to stand for another build). */
    public StageRunner(Path runDir, PrintWriter log, BuildInfo build) {
        this.runDir = runDir;
        this.log = log;
        OutputDirs.claim(runDir, "run directory", OutputDirs.Kind.RUN);
        this.lock = FileLocks.tryExclusive(runDir.resolve(LOCK), "run directory " + runDir);
        this.build = build;
        try {
            try (Stream<Path> s = Files.list(runDir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (p.getFileName().toString().startsWith(".tmp-")) {
                        OutputDirs.deleteTree(p);
                    }
                }
            }
        } catch (IOException ex) {
            lock.close();
            throw new UncheckedIOException("cannot prepare run directory " + runDir, ex);
        }
    }

    /** Releases the run directory's lock. */
    @Override
    public void close() {
        lock.close();
    }

    public Path runDir() {
        return runDir;
    }

    /** The finished stage {@code name} if its manifest holds this fingerprint, else empty. */
    public java.util.Optional<Outcome> existing(String name, ObjectNode fingerprint) {
        String digest = digest(withToolkit(fingerprint));
        Path dir = runDir.resolve(name);
        try {
            JsonNode m = JSON.readTree(dir.resolve("manifest.json").toFile());
            if (digest.equals(m.path("fingerprint_sha256").asText())) {
                return java.util.Optional.of(new Outcome(name, dir, digest, true, m.path("wall_seconds").asDouble()));
            }
        } catch (IOException ex) {
            // absent or unreadable: not finished
        }
        return java.util.Optional.empty();
    }

    /** Runs (or reuses) stage {@code name}. */
    public Outcome stage(String name, ObjectNode fingerprint, Work work) {
        return stage(name, fingerprint, work, false);
    }

    /** Runs stage {@code name}; reuses an unchanged one unless {@code force}. */
    public Outcome stage(String name, ObjectNode stageFingerprint, Work work, boolean force) {
        ObjectNode fingerprint = withToolkit(stageFingerprint);
        String digest = digest(fingerprint);
        Path dir = runDir.resolve(name);
        Path manifest = dir.resolve("manifest.json");
        if (!force && Files.isRegularFile(manifest)) {
            try {
                JsonNode m = JSON.readTree(manifest.toFile());
                if (digest.equals(m.path("fingerprint_sha256").asText())) {
                    log.printf("[%s] unchanged, reusing %s%n", name, dir);
                    log.flush();
                    return new Outcome(name, dir, digest, true, m.path("wall_seconds").asDouble());
                }
            } catch (IOException ex) {
                // unreadable manifest: redo the stage
            }
        }
        log.printf("[%s] running%n", name);
        log.flush();
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        Path tmp;
        try {
            tmp = StagingDirs.create(runDir, ".tmp-" + name.replace('/', '_') + "-");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        try {
            work.run(tmp);
            double wall = (System.nanoTime() - t0) / 1e9;
            ObjectNode m = JSON.createObjectNode();
            m.put("stage", name);
            m.put("fingerprint_sha256", digest);
            m.set("fingerprint", fingerprint);
            m.put("started", start.toString());
            m.put("wall_seconds", wall);
            ObjectNode v = m.putObject("versions");
            v.put("unlearn", build.version());
            v.put("unlearn_build", build.buildId());
            BuildInfo.libraries().forEach(v::put);
            JSON.writeValue(tmp.resolve("manifest.json").toFile(), m);
            Path old = null;
            if (Files.exists(dir)) {
                old = runDir.resolve(".tmp-old-" + name.replace('/', '_') + "-" + System.nanoTime());
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.createDirectories(dir.getParent());
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                OutputDirs.deleteTree(old);
            }
            log.printf("[%s] done in %.1f s%n", name, wall);
            log.flush();
            return new Outcome(name, dir, digest, false, wall);
        } catch (UnlearnException ex) {
            OutputDirs.deleteTree(tmp);
            throw ex;
        } catch (Exception ex) {
            OutputDirs.deleteTree(tmp);
            throw new UnlearnException("stage " + name + " failed: " + ex, ex);
        }
    }

    /** The fingerprint plus {@code toolkit: {version, build}} of the code this runner is. */
    private ObjectNode withToolkit(ObjectNode fingerprint) {
        ObjectNode f = fingerprint.deepCopy();
        f.putObject("toolkit").put("version", build.version()).put("build", build.buildId());
        return f;
    }

    /** SHA-256 of the canonical (sorted, compact) JSON of a fingerprint. */
    public static String digest(JsonNode fingerprint) {
        try {
            Object canonical = JSON.treeToValue(fingerprint, Object.class);
            byte[] bytes = JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(canonical);
            return Digests.sha256(bytes);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A new, empty fingerprint object. */
    public static ObjectNode fingerprint() {
        return JSON.createObjectNode();
    }
}

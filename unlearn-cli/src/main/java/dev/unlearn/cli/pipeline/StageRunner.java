package dev.unlearn.cli.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.Texts;
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
    /** Non-null for a plan ({@link #plan}): the stages a run would run or reuse, in order; nothing runs. */
    private final java.util.List<Planned> planned;

    /** The work of one stage: write outputs into {@code dir}. */
    @FunctionalInterface
    public interface Work {
        void run(Path dir) throws Exception;
    }

    /** What a stage produced: its directory, its fingerprint digest, whether it ran or was reused, wall time. */
    public record Outcome(String name, Path dir, String digest, boolean skipped, double wallSeconds) {}

    /** What a run would do with one stage. */
    public enum Status {
        /** Its folder holds this fingerprint: reused. */
        REUSE("reuse"),
        /** Not in the run directory yet: it would run. */
        NEW("run"),
        /** Its folder holds another fingerprint: it would run again. */
        CHANGED("rerun"),
        /** Selected by {@code --only}: it would run again, changed or not. */
        FORCED("rerun (--only)");

        /** How the plan prints it. */
        public final String word;

        Status(String word) {
            this.word = word;
        }
    }

    /**
     * One stage of a plan: its name, fingerprint digest, status and, for a changed stage, the fingerprint
     * entries that differ from the finished stage's ({@code finetune.lr: 0.001 -> 0.003}; an input file's digest
     * as {@code forget_sha256: changed}; new digests of upstream stages as one {@code after finetune-full}; a new
     * build as {@code another build of unlearn}).
     */
    public record Planned(String name, String digest, Status status, java.util.List<String> changes) {}

    public StageRunner(Path runDir, PrintWriter log) {
        this(runDir, log, BuildInfo.current());
    }

    /** A runner for code described by {@code build} (tests use it to stand for another build). */
    public StageRunner(Path runDir, PrintWriter log, BuildInfo build) {
        this(runDir, log, build, false);
    }

    /**
     * A runner that runs nothing and writes nothing: each stage is fingerprinted and compared with the run
     * directory's finished stages, and {@link #planned()} lists what a run would do. The run directory is
     * checked as a run would check it (a folder of another kind is refused) but neither created nor locked.
     */
    public static StageRunner plan(Path runDir, PrintWriter log) {
        return new StageRunner(runDir, log, BuildInfo.current(), true);
    }

    private StageRunner(Path runDir, PrintWriter log, BuildInfo build, boolean plan) {
        this.runDir = runDir;
        this.log = log;
        this.build = build;
        if (plan) {
            this.planned = new java.util.ArrayList<>();
            this.lock = null;
            OutputDirs.checkClaim(runDir, "run directory", OutputDirs.Kind.RUN);
            return;
        }
        this.planned = null;
        OutputDirs.claim(runDir, "run directory", OutputDirs.Kind.RUN);
        this.lock = FileLocks.tryExclusive(runDir.resolve(LOCK), "run directory " + runDir);
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
        if (lock != null) {
            lock.close();
        }
    }

    /** Whether this runner only plans ({@link #plan}): stages do not run and their folders may not exist. */
    public boolean planning() {
        return planned != null;
    }

    /** The stages a run would run or reuse, in order (a plan only). */
    public java.util.List<Planned> planned() {
        if (planned == null) {
            throw new IllegalStateException("not a plan");
        }
        return java.util.List.copyOf(planned);
    }

    public Path runDir() {
        return runDir;
    }

    /** The finished stage {@code name} if its manifest holds this fingerprint, else empty. */
    public java.util.Optional<Outcome> existing(String name, ObjectNode fingerprint) {
        String digest = digest(withToolkit(fingerprint));
        Path dir = stageDir(name);
        JsonNode m = manifest(dir);
        if (m != null && digest.equals(m.path("fingerprint_sha256").asText())) {
            if (planned != null) {
                planned.add(new Planned(name, digest, Status.REUSE, java.util.List.of()));
            }
            return java.util.Optional.of(new Outcome(name, dir, digest, true, m.path("wall_seconds").asDouble()));
        }
        return java.util.Optional.empty();
    }

    /**
     * The folder of stage {@code name} ({@code unlearn/npo}): its segments must be safe folder names
     * ({@link dev.unlearn.cli.Texts#isPathSegment}), so a stage can never move or delete anything outside
     * the run directory. The recipe's checks refuse bad run names first, naming the key; this guards the rest.
     */
    private Path stageDir(String name) {
        for (String seg : name.split("/", -1)) {
            if (!Texts.isPathSegment(seg)) {
                throw new IllegalArgumentException("stage name '" + Texts.printable(name)
                        + "': '" + Texts.printable(seg) + "' is not " + Texts.PATH_SEGMENT_RULE);
            }
        }
        return runDir.resolve(name);
    }

    /** The manifest of the finished stage in {@code dir}; null when it is absent or unreadable (not finished). */
    private static JsonNode manifest(Path dir) {
        try {
            return JSON.readTree(dir.resolve("manifest.json").toFile());
        } catch (IOException ex) {
            return null;
        }
    }

    /** Runs (or reuses) stage {@code name}. */
    public Outcome stage(String name, ObjectNode fingerprint, Work work) {
        return stage(name, fingerprint, work, false);
    }

    /** Runs stage {@code name}; reuses an unchanged one unless {@code force}. */
    public Outcome stage(String name, ObjectNode stageFingerprint, Work work, boolean force) {
        ObjectNode fingerprint = withToolkit(stageFingerprint);
        String digest = digest(fingerprint);
        Path dir = stageDir(name);
        if (planned != null) {
            return planStage(name, fingerprint, digest, dir, force);
        }
        JsonNode done = force ? null : manifest(dir); // an unreadable manifest: redo the stage
        if (done != null && digest.equals(done.path("fingerprint_sha256").asText())) {
            log.printf("[%s] unchanged, reusing %s%n", name, dir);
            log.flush();
            return new Outcome(name, dir, digest, true, done.path("wall_seconds").asDouble());
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

    private Outcome planStage(String name, ObjectNode fingerprint, String digest, Path dir, boolean force) {
        JsonNode old = manifest(dir); // absent or unreadable: the stage would run
        boolean same = old != null && digest.equals(old.path("fingerprint_sha256").asText());
        Status status = force ? Status.FORCED : same ? Status.REUSE : old == null ? Status.NEW : Status.CHANGED;
        java.util.List<String> changes = new java.util.ArrayList<>();
        if (status == Status.CHANGED) {
            JsonNode was = old.path("fingerprint");
            if (!was.path("toolkit").equals(fingerprint.path("toolkit"))) {
                changes.add("another build of unlearn");
            }
            java.util.Map<String, String> stageOf = new java.util.HashMap<>();
            planned.forEach(p -> stageOf.putIfAbsent(p.digest(), p.name()));
            java.util.Set<String> upstream = new java.util.LinkedHashSet<>();
            changes(was, fingerprint, "", stageOf, upstream, changes);
            if (!upstream.isEmpty()) {
                java.util.List<String> u = new java.util.ArrayList<>(upstream);
                changes.add("after " + String.join(", ", u.subList(0, Math.min(3, u.size())))
                        + (u.size() > 3 ? " and " + (u.size() - 3) + " more stages" : ""));
            }
        }
        planned.add(new Planned(name, digest, status, changes));
        return new Outcome(name, dir, digest, same && !force, same ? old.path("wall_seconds").asDouble() : Double.NaN);
    }

    /**
     * The leaf entries where two fingerprints differ, as {@code path: old -> new}, but for the toolkit entry (said
     * once by the caller) and digests: a new digest of a stage in {@code stageOf} adds that stage to
     * {@code upstream}; any other digest (an input file's) is {@code path: changed}.
     */
    static void changes(JsonNode a, JsonNode b, String path, java.util.Map<String, String> stageOf,
            java.util.Set<String> upstream, java.util.List<String> out) {
        if (path.equals("toolkit")) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            java.util.Set<String> keys = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                changes(a.path(k), b.path(k), path.isEmpty() ? k : path + "." + k, stageOf, upstream, out);
            }
            return;
        }
        if (a.equals(b) || a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0) {
            return; // a number read back from a manifest may be of another width: 3 is 3
        }
        if (stageOf.containsKey(b.asText())) {
            upstream.add(stageOf.get(b.asText()));
        } else if (isDigest(a) || isDigest(b)) {
            out.add(path + ": changed");
        } else {
            out.add(path + ": " + show(a) + " -> " + show(b));
        }
    }

    private static boolean isDigest(JsonNode n) {
        return n.isTextual() && n.textValue().matches("[0-9a-f]{64}");
    }

    private static String show(JsonNode n) {
        if (n.isMissingNode()) {
            return "(absent)";
        }
        String s = n.isTextual() ? n.textValue() : n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
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

package dev.unlearn.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.BuildInfo;
import dev.unlearn.core.UnlearnException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageRunnerTest {
    private static StageRunner runner(Path dir) {
        return new StageRunner(dir, new PrintWriter(new StringWriter()));
    }

    /** Runs one stage with a runner of its own (each holds the run directory's lock until closed). */
    private static StageRunner.Outcome stage(Path dir, String name, ObjectNode fp, StageRunner.Work w) {
        try (StageRunner r = runner(dir)) {
            return r.stage(name, fp, w);
        }
    }

    private static ObjectNode fp(int lr) {
        ObjectNode f = StageRunner.fingerprint();
        f.put("lr", lr);
        return f;
    }

    @Test
    void unchangedStageIsSkippedAndChangedStageReruns(@TempDir Path dir) {
        AtomicInteger runs = new AtomicInteger();
        StageRunner.Work w = d -> {
            runs.incrementAndGet();
            Files.writeString(d.resolve("out.txt"), "x" + runs.get());
        };
        StageRunner.Outcome a = stage(dir, "ft", fp(1), w);
        StageRunner.Outcome b = stage(dir, "ft", fp(1), w);
        assertFalse(a.skipped());
        assertTrue(b.skipped());
        assertEquals(1, runs.get());
        StageRunner.Outcome c = stage(dir, "ft", fp(2), w);
        assertFalse(c.skipped());
        assertEquals(2, runs.get());
        assertTrue(Files.exists(dir.resolve("ft/manifest.json")));
    }

    @Test
    void aStageNameThatClimbsOutOfTheRunDirectoryTouchesNothing(@TempDir Path tmp) throws Exception {
        Path runDir = tmp.resolve("run");
        stage(runDir, "unlearn/ga", fp(1), d -> {}); // a first method stage: "unlearn/.." now resolves
        Path victim = tmp.resolve("victim");
        Files.createDirectories(victim);
        Files.writeString(victim.resolve("keep.txt"), "user data");
        AtomicInteger runs = new AtomicInteger();
        for (String name : new String[] {"unlearn/../../victim", "../victim", "unlearn/.hidden", "unlearn/", "a//b"}) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> stage(runDir, name, fp(1), d -> runs.incrementAndGet()), name);
            assertTrue(ex.getMessage().contains("path segment"), ex.getMessage());
        }
        assertEquals(0, runs.get());
        assertEquals("user data", Files.readString(victim.resolve("keep.txt")));
        try (StageRunner r = runner(runDir)) {
            assertThrows(IllegalArgumentException.class, () -> r.existing("eval/..", fp(1)));
        }
    }

    @Test
    void anotherBuildOfTheToolkitInvalidatesReuse(@TempDir Path dir) throws Exception {
        AtomicInteger runs = new AtomicInteger();
        StageRunner.Work w = d -> Files.writeString(d.resolve("out.txt"), "x" + runs.incrementAndGet());
        PrintWriter log = new PrintWriter(new StringWriter());
        BuildInfo a = new BuildInfo("0.1.0", "a".repeat(64));
        BuildInfo b = new BuildInfo("0.1.0", "b".repeat(64));
        StageRunner.Outcome first = stage(dir, log, a, w);
        assertTrue(stage(dir, log, a, w).skipped(), "same build: reused");
        StageRunner.Outcome other = stage(dir, log, b, w);
        assertFalse(other.skipped(), "changed build id: redone");
        assertNotEquals(first.digest(), other.digest(), "downstream fingerprints change too");
        assertEquals(2, runs.get());
        assertFalse(stage(dir, log, new BuildInfo("0.2.0", "b".repeat(64)), w).skipped(), "changed version: redone");
        String manifest = Files.readString(dir.resolve("ft/manifest.json"));
        assertTrue(manifest.contains("\"unlearn_build\" : \"" + "b".repeat(64)), manifest);
        assertTrue(manifest.contains("\"djl\" : \"" + ai.djl.engine.Engine.getDjlVersion()), manifest);
    }

    @Test
    void failedStageLeavesPreviousOutputAndNoTemporaryFiles(@TempDir Path dir) throws Exception {
        stage(dir, "ft", fp(1), d -> Files.writeString(d.resolve("out.txt"), "good"));
        assertThrows(UnlearnException.class, () -> stage(dir, "ft", fp(2), d -> {
            Files.writeString(d.resolve("out.txt"), "half");
            throw new IllegalStateException("killed mid-stage");
        }));
        assertEquals("good", Files.readString(dir.resolve("ft/out.txt")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).count());
        }
    }

    @Test
    void leftoverTemporaryDirectoriesFromAKilledRunAreRemoved(@TempDir Path dir) throws Exception {
        runner(dir).close();
        Files.createDirectories(dir.resolve(".tmp-ft-123/sub"));
        Files.writeString(dir.resolve(".tmp-ft-123/sub/partial.bin"), "half");
        runner(dir).close();
        assertFalse(Files.exists(dir.resolve(".tmp-ft-123")));
    }

    @Test
    void fingerprintDigestIgnoresKeyOrder() {
        ObjectNode a = StageRunner.fingerprint();
        a.put("a", 1);
        a.put("b", "x");
        ObjectNode b = StageRunner.fingerprint();
        b.put("b", "x");
        b.put("a", 1);
        assertEquals(StageRunner.digest(a), StageRunner.digest(b));
    }

    /** One stage "ft" by a runner standing for {@code build}, closed (so its run-directory lock is released). */
    private static StageRunner.Outcome stage(Path dir, PrintWriter log, BuildInfo build, StageRunner.Work w) {
        try (StageRunner r = new StageRunner(dir, log, build)) {
            return r.stage("ft", fp(1), w);
        }
    }
}

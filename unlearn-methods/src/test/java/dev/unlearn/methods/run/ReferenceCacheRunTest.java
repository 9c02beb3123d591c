package dev.unlearn.methods.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full mode with a reference cache folder (issue 16): π_ref's outputs come from files written once before
 * the first update, no model copy is made, and the run is the same as with a resident copy.
 */
class ReferenceCacheRunTest extends TinyWorldMethodTest {
    @TempDir
    Path tmp;

    /** What a run gives, to compare: every step's loss and terms, and the final weights. */
    private record Trace(RunSummary summary, List<Map<String, Double>> steps, Map<String, float[]> weights) {}

    private static MethodRunner.Builder runner(CausalLm lm, String method, String... sets) {
        return MethodRunner.builder().setModel(lm).setTokenizer(tokenizer).setForget(forget).optRetain(retain)
                .setMethod(method).optOverrides(List.of(sets)).optSeed(3)
                .setSettings(TrainSettings.of(2e-3).withBatchSize(4).withMaxSteps(4).withSchedule(Schedule.CONSTANT, 0)
                        .withMaxLength(64));
    }

    private static Trace run(MethodRunner.Builder b, CausalLm lm) {
        List<Map<String, Double>> steps = new ArrayList<>();
        RunSummary s = b.addListener(new TrainingLoop.Listener() {
            @Override
            public void onStep(TrainingLoop.StepRecord r) {
                Map<String, Double> m = new LinkedHashMap<>(r.metrics());
                m.put("loss", r.loss());
                m.put("grad_norm", r.gradNorm());
                steps.add(m);
            }
        }).build().run();
        Map<String, float[]> w = new LinkedHashMap<>();
        lm.parameters().forEach((k, v) -> w.put(k, v.toFloatArray()));
        return new Trace(s, steps, w);
    }

    /** The resident-copy run and the cached run of one method, from the same checkpoint. */
    private Trace[] both(String method, Path cacheDir, String... sets) {
        return both(method, cacheDir, null, sets);
    }

    private Trace[] both(String method, Path cacheDir, CachedReference.Granularity g, String... sets) {
        Trace resident;
        try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
            resident = run(runner(lm, method, sets).optReference(() -> lm.copy(manager)), lm);
        }
        AtomicInteger supplied = new AtomicInteger();
        Trace cached;
        try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
            cached = run(runner(lm, method, sets).optReferenceCacheDir(cacheDir).optReferenceCacheGranularity(g)
                    .optReference(() -> {
                supplied.incrementAndGet();
                return lm.copy(manager);
            }), lm);
        }
        assertEquals(0, supplied.get(), method + ": the cached run made no copy of the model");
        return new Trace[] {resident, cached};
    }

    private static void assertSameRun(String what, Trace a, Trace b) {
        assertEquals(a.steps().size(), b.steps().size(), what);
        for (int i = 0; i < a.steps().size(); i++) {
            // exact: the cached values are the float32 numbers the resident copy computes
            assertEquals(a.steps().get(i), b.steps().get(i), what + ": step " + (i + 1));
        }
        for (Map.Entry<String, float[]> e : a.weights().entrySet()) {
            assertArrayEquals(e.getValue(), b.weights().get(e.getKey()), what + ": final " + e.getKey());
        }
    }

    private static long sizeOnDisk(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".bin")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void npoWithKlRetainTermGivesTheResidentRunBitForBit() throws IOException {
        Path runDir = Files.createDirectories(tmp.resolve("run"));
        Path mine = Files.writeString(runDir.resolve("notes.txt"), "user file");
        Path dir = runDir.resolve("reference-cache");
        Trace[] t = both("npo", dir, "retain_loss_type=KL");
        assertEquals("model_copy", t[0].summary().reference());
        assertTrue(t[0].summary().referenceCache().isEmpty(), "no cache folder, no record");
        assertSameRun("npo KL", t[0], t[1]);
        RunSummary s = t[1].summary();
        assertEquals("cached_reference", s.reference());
        Map<String, Object> rec = s.referenceCache();
        assertEquals(true, rec.get("used"));
        assertEquals(dir.toString(), rec.get("dir"));
        assertEquals(List.of("pass/nll_sum", "retain/logits"), rec.get("uses"));
        assertEquals("batch", rec.get("granularity"), "the tiny run fits per micro-batch");
        assertEquals(sizeOnDisk(dir), ((Number) rec.get("bytes")).longValue());
        long nllFiles;
        try (Stream<Path> f = Files.list(dir.resolve("nll_sum"))) {
            nllFiles = f.count();
        }
        assertEquals((forget.size() + 3) / 4, nllFiles, "one NLL_sum file per batch of the reference pass");
        assertTrue(Files.isRegularFile(dir.resolve(ReferenceCache.INDEX)));
        assertTrue(s.toJson().contains("\"reference_cache\""), s.toJson());
        assertEquals("user file", Files.readString(mine), "the run dir's other files are untouched");
        assertNoTemporaries(dir);
    }

    @Test
    void rmuGivesTheResidentRunBitForBit() throws IOException {
        Path dir = tmp.resolve("rmu-cache");
        Trace[] t = both("rmu", dir, "layer=1");
        assertSameRun("rmu", t[0], t[1]);
        assertEquals("cached_reference", t[1].summary().reference());
        assertEquals(List.of("retain/layer1"), t[1].summary().referenceCache().get("uses"));
        assertTrue(Files.isDirectory(dir.resolve("layer1")));
        assertNoTemporaries(dir);
    }

    @Test
    void wmdpFormAndGradDiffKlCountThePaddingRowsTheSame() {
        Trace[] w = both("rmu", tmp.resolve("w"), "layer=1", "form=wmdp");
        assertSameRun("rmu wmdp", w[0], w[1]);
        Trace[] g = both("graddiff", tmp.resolve("g"), "retain_loss_type=KL", "kl_positions=all");
        assertSameRun("graddiff KL all positions", g[0], g[1]);
    }

    @Test
    void everyMethodThatDeclaresItsReferenceUsesMatchesItsResidentRun() {
        Path idk = dev.unlearn.core.testing.Fixtures.fixture("refusal", "tofu-idontknow.jsonl");
        for (String[] sets : List.of(new String[] {"simnpo", "retain_loss_type=KL"},
                new String[] {"undial", "retain_loss_type=KL"}, new String[] {"pdu", "retain_loss_type=KL", "retain_loss_eps=0.5"},
                new String[] {"dpo", "templates=tofu-idontknow", "retain_loss_type=KL"},
                new String[] {"pd", "base=npo", "base_config.retain_loss_type=KL"})) {
            String method = sets[0];
            String[] rest = java.util.Arrays.copyOfRange(sets, 1, sets.length);
            Trace resident;
            try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
                resident = run(runner(lm, method, rest).optTemplatesFile(idk).optReference(() -> lm.copy(manager)), lm);
            }
            Trace cached;
            try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
                cached = run(runner(lm, method, rest).optTemplatesFile(idk).optReferenceCacheDir(tmp.resolve(method))
                        .optReference(() -> {
                            throw new AssertionError(method + ": the cached run asked for a copy");
                        }), lm);
            }
            assertEquals("cached_reference", cached.summary().reference(), method);
            assertSameRun(method, resident, cached);
        }
    }

    /**
     * Per example the values are computed in other batch shapes than the steps use: the first steps agree
     * bit for bit, later ones to float32 rounding (measured: 4e-7 relative on the retain term at step 4).
     */
    @Test
    void perExampleCachesAgreeToFloatRounding() {
        for (String[] sets : List.of(new String[] {"npo", "retain_loss_type=KL"}, new String[] {"rmu", "layer=1", "form=wmdp"},
                new String[] {"undial", "retain_loss_type=KL"})) {
            Trace[] t = both(sets[0], tmp.resolve(sets[0] + "-ex"), CachedReference.Granularity.EXAMPLE,
                    java.util.Arrays.copyOfRange(sets, 1, sets.length));
            assertEquals("example", t[1].summary().referenceCache().get("granularity"));
            assertEquals(t[0].steps().size(), t[1].steps().size());
            for (int i = 0; i < t[0].steps().size(); i++) {
                for (Map.Entry<String, Double> e : t[0].steps().get(i).entrySet()) {
                    double a = e.getValue();
                    double b = t[1].steps().get(i).get(e.getKey());
                    assertEquals(a, b, 1e-5 * Math.max(1, Math.abs(a)), sets[0] + " step " + (i + 1) + " " + e.getKey());
                }
            }
        }
    }

    @Test
    void overTheLimitTheRunCopiesTheModelAndSaysWhy() {
        Path dir = tmp.resolve("small");
        try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
            RunSummary s = runner(lm, "npo", "retain_loss_type=KL").optReferenceCacheDir(dir).optReferenceCacheLimit(1000)
                    .build().run();
            assertEquals("model_copy", s.reference(), "no supplier: the runner copies the model itself");
            assertEquals(false, s.referenceCache().get("used"));
            assertTrue(((Number) s.referenceCache().get("projected_bytes")).longValue() > 1000);
            assertFalse(Files.exists(dir), "nothing written when the cache is not used");
        }
    }

    @Test
    void aFolderThatHoldsFilesIsRefusedAndLeftAlone() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("busy"));
        Path theirs = Files.writeString(dir.resolve("keep.bin"), "x");
        try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
            InvalidInputException ex = assertThrows(InvalidInputException.class,
                    () -> runner(lm, "rmu", "layer=1").optReferenceCacheDir(dir).build().run());
            assertTrue(ex.getMessage().contains(dir.toString()) && ex.getMessage().contains("already holds files"),
                    ex.getMessage());
        }
        assertEquals("x", Files.readString(theirs));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    /** A cache folder removed while the cache is filled (a request's shutdown hook) is not created again by a later write. */
    @Test
    void aWriteAfterTheFolderWasRemovedFailsAndCreatesNothing() throws IOException {
        Path dir = tmp.resolve("removed");
        ReferenceCache cache = ReferenceCache.create(dir);
        cache.put("nll", "a", 1, 2, ai.djl.ndarray.types.DataType.FLOAT32, new float[] {1, 2}, null);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        java.io.UncheckedIOException ex = assertThrows(java.io.UncheckedIOException.class,
                () -> cache.put("kl", "b", 1, 2, ai.djl.ndarray.types.DataType.FLOAT32, new float[] {3, 4}, null));
        assertTrue(ex.getMessage().contains("cannot write reference cache file"), ex.getMessage());
        assertFalse(Files.exists(dir), "the removed cache folder was created again");
    }

    @Test
    void aDamagedCacheFileIsRejectedByName() {
        InvalidInputException ex = corruptAfterFirstStep(tmp.resolve("damaged"), files -> {
            for (Path f : files) {
                byte[] b = Files.readAllBytes(f);
                b[b.length - 3] ^= 0x40;
                Files.write(f, b);
            }
        });
        assertTrue(ex.getMessage().contains("reference cache file ") && ex.getMessage().contains(".bin")
                && ex.getMessage().contains("CRC32C"), ex.getMessage());
    }

    @Test
    void anotherExamplesFileIsRejectedByName() {
        InvalidInputException ex = corruptAfterFirstStep(tmp.resolve("swapped"), files -> {
            // every file now holds its neighbour's (valid) values
            byte[] first = Files.readAllBytes(files.get(0));
            for (int i = 0; i + 1 < files.size(); i++) {
                Files.write(files.get(i), Files.readAllBytes(files.get(i + 1)));
            }
            Files.write(files.get(files.size() - 1), first);
        });
        assertTrue(ex.getMessage().contains("reference cache file ") && ex.getMessage().contains("expected logits of"),
                ex.getMessage());
    }

    private interface Damage {
        void apply(List<Path> files) throws IOException;
    }

    /** Runs graddiff with a KL retain term, damages the retain logits after step 1, expects step 2 to refuse them. */
    private InvalidInputException corruptAfterFirstStep(Path dir, Damage damage) {
        try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
            MethodRunner.Builder b = runner(lm, "graddiff", "retain_loss_type=KL").optReferenceCacheDir(dir)
                    .addListener(new TrainingLoop.Listener() {
                        @Override
                        public void onStep(TrainingLoop.StepRecord r) {
                            if (r.step() != 1) {
                                return;
                            }
                            try (Stream<Path> s = Files.list(dir.resolve("logits"))) {
                                damage.apply(s.sorted().toList());
                            } catch (IOException ex) {
                                throw new java.io.UncheckedIOException(ex);
                            }
                        }
                    });
            return assertThrows(InvalidInputException.class, () -> b.build().run());
        }
    }

    private static void assertNoTemporaries(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }
}

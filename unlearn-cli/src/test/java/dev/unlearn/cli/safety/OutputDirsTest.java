package dev.unlearn.cli.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.guard.GuardFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output rules in isolation: overlap through links, the mark, stale temporaries, synth and init refusals. */
class OutputDirsTest {
    @Test
    void overlapIsSeenThroughSymbolicLinks(@TempDir Path tmp) throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real/model"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
        InvalidInputException ex = assertThrows(InvalidInputException.class,
                () -> OutputDirs.refuseOverlap(link, Map.of("--model", real)));
        assertTrue(ex.getMessage().contains("contains the input --model"), ex.getMessage());
        assertThrows(InvalidInputException.class, () -> OutputDirs.refuseOverlap(link.resolve("model/x"), Map.of("--model", real)));
        OutputDirs.refuseOverlap(tmp.resolve("elsewhere"), Map.of("--model", real));
    }

    @Test
    void onlyMarkedOrEmptyFoldersAreClaimed(@TempDir Path tmp) throws Exception {
        Path fresh = tmp.resolve("fresh");
        OutputDirs.claim(fresh, "--out", OutputDirs.Kind.REQUESTS);
        assertTrue(Files.isRegularFile(fresh.resolve(OutputDirs.MARKER)));
        Files.writeString(fresh.resolve("audit.jsonl"), "");
        OutputDirs.claim(fresh, "--out", OutputDirs.Kind.REQUESTS);
        Path user = Files.createDirectories(tmp.resolve("user"));
        Files.writeString(user.resolve("thesis.tex"), "years of work");
        InvalidInputException ex = assertThrows(InvalidInputException.class, () -> OutputDirs.claim(user, "--out", OutputDirs.Kind.RUN));
        assertTrue(ex.getMessage().contains("did not write"), ex.getMessage());
        assertEquals(1, Files.list(user).count(), "nothing written into it");
        assertThrows(InvalidInputException.class, () -> OutputDirs.requireOurs(user, "--out"));
    }

    @Test
    void resultsReplaceOnlyTheSameCommandsResultsAndAFailedWriteLeavesThemAsTheyWere(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("results");
        OutputDirs.results(dir, "eval tofu", Map.of()).publish(d -> Files.writeString(d.resolve("a.json"), "1"));
        assertEquals("1", Files.readString(dir.resolve("a.json")));
        OutputDirs.results(dir, "eval tofu", Map.of()).publish(d -> Files.writeString(d.resolve("b.json"), "2"));
        assertFalse(Files.exists(dir.resolve("a.json")), "replaced whole");
        OutputDirs.Results again = OutputDirs.results(dir, "eval tofu", Map.of());
        assertThrows(IllegalStateException.class, () -> again.publish(d -> {
            Files.writeString(d.resolve("half.json"), "x");
            throw new IllegalStateException("crash while writing");
        }));
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("results"), s.map(p -> p.getFileName().toString()).toList(), "no staging folder left");
        }
        assertEquals("2", Files.readString(dir.resolve("b.json")));
        InvalidInputException other = assertThrows(InvalidInputException.class,
                () -> OutputDirs.results(dir, "worst-case", Map.of()));
        assertTrue(other.getMessage().contains("holds the results of 'unlearn eval tofu'"), other.getMessage());

        Path run = tmp.resolve("run");
        OutputDirs.claim(run, "--out", OutputDirs.Kind.RUN);
        Files.writeString(run.resolve("audit.jsonl"), "");
        Path checkpoint = Files.createDirectories(tmp.resolve("ckpt"));
        Files.writeString(checkpoint.resolve("manifest.json"), "{\"format\": \"unlearn-checkpoint/1\"}");
        Path user = Files.createDirectories(tmp.resolve("user"));
        Files.writeString(user.resolve("report.html"), "mine");
        Map<Path, String> refusals = Map.of(run, "is a run directory of unlearn", checkpoint, "is a checkpoint of unlearn",
                user, "not earlier results of 'unlearn eval tofu'");
        for (Map.Entry<Path, String> e : refusals.entrySet()) {
            InvalidInputException ex = assertThrows(InvalidInputException.class,
                    () -> OutputDirs.results(e.getKey(), "eval tofu", Map.of()));
            assertTrue(ex.getMessage().contains(e.getValue()), ex.getMessage());
        }
        InvalidInputException asRun = assertThrows(InvalidInputException.class,
                () -> OutputDirs.claim(dir, "run directory", OutputDirs.Kind.RUN));
        assertTrue(asRun.getMessage().contains("is a results folder of unlearn, not a run directory"), asRun.getMessage());
        InvalidInputException here = assertThrows(InvalidInputException.class,
                () -> OutputDirs.results(Path.of(""), "eval tofu", Map.of()));
        assertTrue(here.getMessage().contains("is the current directory"), here.getMessage());
        assertThrows(InvalidInputException.class, () -> OutputDirs.requireOurs(Path.of("."), "--out"));
        assertThrows(InvalidInputException.class, () -> OutputDirs.results(Path.of("/"), "eval tofu", Map.of()));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        OutputDirs.results(empty, "eval tofu", Map.of()).publish(d -> Files.writeString(d.resolve("c.json"), "3"));
        assertEquals("3", Files.readString(empty.resolve("c.json")));
    }

    @Test
    void aFolderOfOneKindIsNeverClaimedOrReplacedAsAnother(@TempDir Path tmp) throws Exception {
        Path run = Trees.runDirectory(tmp.resolve("run"));
        OutputDirs.claim(run, "run directory", OutputDirs.Kind.RUN);
        for (OutputDirs.Kind other : List.of(OutputDirs.Kind.SWEEP, OutputDirs.Kind.REQUESTS)) {
            InvalidInputException ex = assertThrows(InvalidInputException.class, () -> OutputDirs.claim(run, "--out", other));
            assertTrue(ex.getMessage().contains("is a run directory of unlearn, not " + other.description()), ex.getMessage());
        }
        // forget --overwrite and finetune --out replace only a checkpoint: never a whole run directory
        InvalidInputException ckpt = assertThrows(InvalidInputException.class, () -> OutputDirs.requireOurs(run, "--out"));
        assertTrue(ckpt.getMessage().contains("is a run directory of unlearn, not a checkpoint"), ckpt.getMessage());

        // a folder marked before kinds existed is known by its files
        Path legacy = Files.createDirectories(tmp.resolve("legacy"));
        Files.writeString(legacy.resolve(OutputDirs.MARKER), "created by unlearn; this directory may be replaced by unlearn\n");
        Files.writeString(legacy.resolve("audit.jsonl"), "");
        assertThrows(InvalidInputException.class, () -> OutputDirs.claim(legacy, "--out", OutputDirs.Kind.RUN));
        assertThrows(InvalidInputException.class, () -> OutputDirs.requireOurs(legacy, "--out"));
        OutputDirs.claim(legacy, "--out", OutputDirs.Kind.REQUESTS);
        assertEquals("requests", Files.readAllLines(legacy.resolve(OutputDirs.MARKER)).get(0), "the mark now names the kind");

        Path checkpoint = Files.createDirectories(tmp.resolve("ckpt"));
        Files.writeString(checkpoint.resolve("manifest.json"), "{\"format\": \"unlearn-checkpoint/1\"}");
        Files.writeString(checkpoint.resolve("model.safetensors"), "");
        OutputDirs.requireOurs(checkpoint, "--out");
        assertThrows(InvalidInputException.class, () -> OutputDirs.claim(checkpoint, "run directory", OutputDirs.Kind.RUN));
    }

    @Test
    void aResultFileReplacesOnlyAnEarlierFileOfItsKind(@TempDir Path tmp) throws Exception {
        Path filter = tmp.resolve("filter.json");
        Files.writeString(filter, "{\"format\": \"" + GuardFilter.FORMAT + "\", \"version\": 1}");
        Path notes = tmp.resolve("notes.json");
        Files.writeString(notes, "{\"format\": \"mine\"}");
        OutputDirs.requireResultFile(tmp.resolve("new.json"), "--out", Map.of(), GuardFilter::isFilterFile, "a GUARD filter");
        OutputDirs.requireResultFile(filter, "--out", Map.of(), GuardFilter::isFilterFile, "a GUARD filter");
        InvalidInputException ex = assertThrows(InvalidInputException.class,
                () -> OutputDirs.requireResultFile(notes, "--out", Map.of(), GuardFilter::isFilterFile, "a GUARD filter"));
        assertTrue(ex.getMessage().contains("is an existing file that is not a GUARD filter"), ex.getMessage());
        InvalidInputException in = assertThrows(InvalidInputException.class, () -> OutputDirs.requireResultFile(filter,
                "--out", Map.of("--forget", filter), GuardFilter::isFilterFile, "a GUARD filter"));
        assertTrue(in.getMessage().contains("is the input --forget"), in.getMessage());
        assertEquals("{\"format\": \"mine\"}", Files.readString(notes));
    }

    @Test
    void staleTemporariesOfATargetAreRemovedAndNothingElse(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve(".model.tmp-123/x"));
        Files.createDirectories(tmp.resolve(".model.old-9"));
        Files.writeString(tmp.resolve(".result.json8812.tmp"), "half");
        Files.writeString(tmp.resolve("model.tmp"), "user file");
        Files.writeString(tmp.resolve(".other.tmp-1"), "other target");
        Files.createDirectories(tmp.resolve(".model.tmp-reference-cache/x"));
        // a user's files whose names merely start like a temporary's
        List<String> users = List.of(".model-notes.tmp", ".model.json.bak.tmp", ".modelling.tmp", ".result.json.tmp",
                ".model.tmp-keep/x", ".model.old-photos/x", ".models.tmp-12/x");
        for (String u : users) {
            Files.createDirectories(tmp.resolve(u).getParent());
            Files.writeString(tmp.resolve(u), "user file");
        }
        OutputDirs.removeStaleTemps(tmp.resolve("model"));
        OutputDirs.removeStaleTemps(tmp.resolve("result.json"));
        assertFalse(Files.exists(tmp.resolve(".model.tmp-123")));
        assertFalse(Files.exists(tmp.resolve(".model.old-9")));
        assertFalse(Files.exists(tmp.resolve(".result.json8812.tmp")));
        assertTrue(Files.exists(tmp.resolve("model.tmp")));
        assertTrue(Files.exists(tmp.resolve(".other.tmp-1")));
        assertFalse(Files.exists(tmp.resolve(".model.tmp-reference-cache")));
        for (String u : users) {
            assertEquals("user file", Files.readString(tmp.resolve(u)), u);
        }
    }

    @Test
    void synthNeverDeletesAFileAndInitSizeBombsAreRefused(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("notes.txt");
        Files.writeString(f, "keep me");
        CliRun r = CliRun.of("data", "synth", "--authors", "2", "--out", f.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertEquals("keep me", Files.readString(f));
        CliRun here = CliRun.of("data", "synth", "--authors", "2", "--out", ".");
        assertEquals(ExitCodes.BAD_INPUT, here.code(), here.toString());
        assertTrue(here.err().contains("is the current directory"), here.toString());
        Path cfg = tmp.resolve("init.json");
        Files.writeString(cfg, "{\"model_type\": \"llama\", \"hidden_size\": 4096, \"num_hidden_layers\": 1000000,"
                + " \"intermediate_size\": 11008, \"num_attention_heads\": 32, \"vocab_size\": 100}");
        Path data = tmp.resolve("d.json");
        Files.writeString(data, "[{\"question\": \"q\", \"answer\": \"a\"}]");
        long t0 = System.nanoTime();
        CliRun bomb = CliRun.of("finetune", "--init", cfg.toString(), "--data", data.toString(), "--out",
                tmp.resolve("m").toString());
        assertEquals(ExitCodes.BAD_INPUT, bomb.code(), bomb.toString());
        assertTrue(bomb.err().contains("parameters, more than this toolkit trains from scratch"), bomb.toString());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10);
        Files.writeString(cfg, "{\"hidden_size\": 16, \"num_hidden_layers\": 1e9}");
        CliRun fl = CliRun.of("finetune", "--init", cfg.toString(), "--data", data.toString(), "--out",
                tmp.resolve("m").toString());
        assertEquals(ExitCodes.BAD_INPUT, fl.code(), fl.toString());
        assertTrue(fl.err().contains("num_hidden_layers must be a positive integer"), fl.toString());
        assertFalse(Files.exists(tmp.resolve("m")));
    }

    /**
     * {@code finetune} keeps its trainer state in {@code .OUT.train-state} beside {@code --out} and deletes it at
     * the end; a user's folder of that name is refused before any work, and left as it was.
     */
    @Test
    void finetuneNeverDeletesAUsersFolderWhereItKeepsTrainerState(@TempDir Path tmp) throws Exception {
        dev.unlearn.core.testing.TinyWorld.Paths3 w = dev.unlearn.core.testing.TinyWorld.get();
        Path user = Files.createDirectories(tmp.resolve(".ft.train-state"));
        Files.writeString(user.resolve("notes.txt"), "keep me");
        String[] args = {"finetune", "--model", w.full().toString(), "--data", w.data().resolve("forget10.json").toString(),
            "--max-steps", "1", "--batch-size", "2", "--max-length", "32", "--lr", "1e-3"};
        String ft = tmp.resolve("ft").toString();
        for (String[] a : List.of(concat(args, "--out", ft), concat(args, "--out", ft, "--resume"))) {
            CliRun r = CliRun.of(a);
            assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
            assertTrue(r.err().contains("the trainer-state folder of --out " + user + " already holds files that unlearn"
                    + " did not write"), r.toString());
            assertEquals("keep me", Files.readString(user.resolve("notes.txt")));
            assertFalse(Files.exists(tmp.resolve("ft")));
        }
        // the toolkit's own state folder: created with its mark, removed once the checkpoint is saved
        Path mine = tmp.resolve("mine");
        CliRun ok = CliRun.of(concat(args, "--out", mine.toString(), "--checkpoint-every", "1"));
        assertEquals(ExitCodes.OK, ok.code(), ok.toString());
        assertTrue(Files.isRegularFile(mine.resolve("model.safetensors")));
        assertFalse(Files.exists(tmp.resolve(".mine.train-state")));
        CliRun resumed = CliRun.of(concat(args, "--out", tmp.resolve("again").toString(), "--resume"));
        assertEquals(ExitCodes.OK, resumed.code(), resumed.toString());
        assertTrue(resumed.err().contains("--resume: no trainer state in "), resumed.toString());
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}

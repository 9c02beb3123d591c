package dev.unlearn.cli.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.core.testing.TinyWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, data loss: every command that writes refuses, with exit 2 and before any work, an output
 * that equals, contains or lies inside an input, and never replaces a directory it did not create.
 * Each case checks the exit code, the message and that the whole input tree is unchanged.
 */
class DataLossTest {
    private static TinyWorld.Paths3 w;

    @BeforeAll
    static void world() {
        w = TinyWorld.get();
    }

    private static String[] forget(Path model, Path out, String... extra) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("forget", "--method", "ga", "--model",
                model.toString(), "--forget", w.data().resolve("forget10.json").toString(), "--out", out.toString(),
                "--max-steps", "1", "--batch-size", "2", "--max-length", "32", "--lr", "1e-3"));
        a.addAll(java.util.List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void forgetOverwriteOfAFolderHoldingTheInputModelIsRefused(@TempDir Path tmp) throws Exception {
        Path r = tmp.resolve("R");
        Trees.copy(w.full(), r.resolve("model"));
        Map<String, String> before = Trees.digest(tmp);
        CliRun run = CliRun.of(forget(r.resolve("model"), r, "--overwrite"));
        assertEquals(ExitCodes.BAD_INPUT, run.code(), run.toString());
        assertTrue(run.err().contains("--out " + r + " contains the input --model"), run.toString());
        assertEquals(before, Trees.digest(tmp), "an input changed");
    }

    @Test
    void forgetNeverReplacesAFolderItDidNotCreate(@TempDir Path tmp) throws Exception {
        Path mine = tmp.resolve("my-notes");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("notes.txt"), "precious");
        Files.writeString(tmp.resolve("a-file"), "x");
        Map<String, String> before = Trees.digest(tmp);
        CliRun run = CliRun.of(forget(w.full(), mine, "--overwrite"));
        assertEquals(ExitCodes.BAD_INPUT, run.code(), run.toString());
        assertTrue(run.err().contains("did not write") && run.err().contains(OutputDirs.MARKER), run.toString());
        CliRun file = CliRun.of(forget(w.full(), tmp.resolve("a-file")));
        assertEquals(ExitCodes.BAD_INPUT, file.code(), file.toString());
        assertTrue(file.err().contains("is an existing file"), file.toString());
        CliRun templates = CliRun.of(forget(w.full(), w.data().getParent(), "--overwrite"));
        assertEquals(ExitCodes.BAD_INPUT, templates.code(), templates.toString());
        assertTrue(templates.err().contains("contains the input --model"), templates.toString());
        assertEquals(before, Trees.digest(tmp), "an input changed");
    }

    @Test
    void finetuneIntoTheFolderHoldingItsDataIsRefused(@TempDir Path tmp) throws Exception {
        Path p = tmp.resolve("P");
        Trees.copy(w.data(), p.resolve("data"));
        Map<String, String> before = Trees.digest(tmp);
        CliRun run = CliRun.of("finetune", "--model", w.full().toString(), "--data",
                p.resolve("data/forget10.json").toString(), "--out", p.toString(), "--max-steps", "1");
        assertEquals(ExitCodes.BAD_INPUT, run.code(), run.toString());
        assertTrue(run.err().contains("--out " + p + " contains the input --data"), run.toString());
        CliRun bad = CliRun.of("finetune", "--model", w.full().toString(), "--data",
                p.resolve("data/forget10.json").toString(), "--out", tmp.resolve("new").toString(), "--batch-size", "0");
        assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--batch-size") && bad.err().contains("must be at least 1"), bad.toString());
        // a trained model at --out is replaced only with --overwrite, as forget does
        Path trained = tmp.resolve("trained");
        Trees.copy(w.retain(), trained);
        Map<String, String> kept = Trees.digest(trained);
        CliRun again = CliRun.of("finetune", "--model", w.full().toString(), "--data",
                p.resolve("data/forget10.json").toString(), "--out", trained.toString(), "--max-steps", "1");
        assertEquals(ExitCodes.BAD_INPUT, again.code(), again.toString());
        assertTrue(again.err().contains("already holds files; choose a new directory or pass --overwrite"), again.toString());
        assertEquals(kept, Trees.digest(trained), "the trained model changed");
        OutputDirs.deleteTree(trained);
        assertFalse(Files.exists(tmp.resolve("new")));
        assertEquals(before, Trees.digest(tmp), "an input changed");
    }

    @Test
    void runIntoTheFolderHoldingTheRecipesCheckpointIsRefused(@TempDir Path tmp) throws Exception {
        Path b = tmp.resolve("B");
        Trees.copy(w.full(), b.resolve("finetune-full/model"));
        Path recipe = tmp.resolve("recipe.yaml");
        Files.writeString(recipe, """
                name: overlap
                data: {builtin: {authors: 2, seed: 1}}
                model: {checkpoint: B/finetune-full/model, finetuned: true}
                methods:
                  - {method: ga}
                eval: {suites: [tofu]}
                """);
        Map<String, String> before = Trees.digest(tmp);
        CliRun run = CliRun.of("run", recipe.toString(), "--out", b.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.code(), run.toString());
        assertTrue(run.err().contains("--out " + b + " contains the input model.checkpoint"), run.toString());
        assertEquals(before, Trees.digest(tmp), "an input changed");
    }

    @Test
    void runIntoTheFolderHoldingAMethodsTemplateFileIsRefused(@TempDir Path tmp) throws Exception {
        Path b = tmp.resolve("B");
        Files.createDirectories(b);
        Path templates = b.resolve("refusals.txt");
        Files.writeString(templates, "I don't know.\n");
        Path recipe = tmp.resolve("recipe.yaml");
        Files.writeString(recipe, """
                name: overlap
                data: {builtin: {authors: 2, seed: 1}}
                model: {init: {hidden_size: 16, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 32}}
                finetune: {max_steps: 1, lr: 0.003, batch_size: 8}
                methods:
                  - {method: flat, config: {templates: %s}}
                eval: {suites: [tofu]}
                """.formatted(templates));
        Map<String, String> before = Trees.digest(tmp);
        CliRun run = CliRun.of("run", recipe.toString(), "--out", b.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.code(), run.toString());
        assertTrue(run.err().contains("--out " + b + " contains the input methods[0].config.templates"), run.toString());
        assertEquals(before, Trees.digest(tmp), "an input changed");
    }

    @Test
    void runIntoAModelDirectoryIsRefused(@TempDir Path tmp) throws Exception {
        Path m = tmp.resolve("model");
        Trees.copy(w.full(), m);
        Path recipe = tmp.resolve("recipe.yaml");
        Files.writeString(recipe, """
                name: into-model
                data: {builtin: {authors: 2, seed: 1}}
                model: {init: {hidden_size: 16, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 32}}
                finetune: {max_steps: 1, lr: 0.003, batch_size: 8}
                methods:
                  - {method: ga}
                eval: {suites: [tofu]}
                """);
        Map<String, String> before = Trees.digest(tmp);
        CliRun run = CliRun.of("run", recipe.toString(), "--out", m.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.code(), run.toString());
        assertTrue(run.err().contains("run directory " + m + " is a checkpoint of unlearn, not a run directory"),
                run.toString());
        assertEquals(before, Trees.digest(tmp), "an input changed");

        // --dry-run refuses it alike, and plans a new folder without creating it
        CliRun dry = CliRun.of("run", recipe.toString(), "--out", m.toString(), "--dry-run");
        assertEquals(ExitCodes.BAD_INPUT, dry.code(), dry.toString());
        assertTrue(dry.err().contains("is a checkpoint of unlearn, not a run directory"), dry.toString());
        Path fresh = tmp.resolve("fresh");
        CliRun plan = CliRun.of("run", recipe.toString(), "--out", fresh.toString(), "-n");
        assertEquals(ExitCodes.OK, plan.code(), plan.toString());
        assertTrue(plan.out().contains("finetune-full") && plan.out().contains("0 of 8 stages up to date, 8 would run"),
                plan.toString());
        assertEquals(before, Trees.digest(tmp), "a plan wrote something");
    }

    @Test
    void aRunDirectoryIsNeverReplacedByACheckpointNorUsedAsASweepOrRequestFolder(@TempDir Path tmp) throws Exception {
        Path run = Trees.runDirectory(tmp.resolve("run"));
        Map<String, String> before = Trees.digest(tmp);
        CliRun f = CliRun.of(forget(w.full(), run, "--overwrite"));
        assertEquals(ExitCodes.BAD_INPUT, f.code(), f.toString());
        assertTrue(f.err().contains("--out " + run + " is a run directory of unlearn, not a checkpoint"), f.toString());
        CliRun s = CliRun.of("sweep", Path.of("../recipes/sweep-demo.yaml").toString(), "--out", run.toString());
        assertEquals(ExitCodes.BAD_INPUT, s.code(), s.toString());
        assertTrue(s.err().contains("is a run directory of unlearn, not a sweep output folder"), s.toString());
        Path key = tmp.resolve("key");
        Files.writeString(key, "ab".repeat(32));
        Path req = tmp.resolve("request.json");
        Files.writeString(req, "{\"request_id\": \"DR-1\", \"subject\": \"N\", \"selectors\": {\"regexes\": [\"Brightwater\"]}}");
        before = Trees.digest(tmp);
        CliRun r = CliRun.of("request", "submit", req.toString(), "--training-data", w.data().toString(), "--model",
                w.full().toString(), "--out", run.toString(), "--key", key.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("is a run directory of unlearn, not a request output folder"), r.toString());
        assertEquals(before, Trees.digest(tmp), "the run directory changed");
    }
}

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that write a folder or file of results ({@code eval tofu}, {@code eval leakage},
 * {@code worst-case}, {@code guard build}) refuse, with exit 2 and before any work, an output that is, holds
 * or lies inside an input, a folder the user made, and an existing file that is not their own output; and
 * they replace only their own earlier results, whole, or leave them as they were.
 */
class ResultFoldersTest {
    private static TinyWorld.Paths3 w;

    @BeforeAll
    static void world() {
        w = TinyWorld.get();
    }

    private static String[] evalTofu(Path model, Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("eval", "tofu", "--model", model.toString(), "--data", data.toString(),
                "--suites", "tofu", "--max-rows", "2", "--max-new-tokens", "4", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static CliRun refused(String why, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains(why), "expected '" + why + "' in " + r);
        return r;
    }

    @Test
    void anInputOrAUserFolderIsRefusedBeforeAnyWorkAndNothingChanges(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("model");
        Path data = tmp.resolve("data");
        Trees.copy(w.full(), model);
        Trees.copy(w.data(), data);
        Path notes = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(notes.resolve("thesis.tex"), "years of work");
        Path pool = data.resolve("forget01.json");
        Map<String, String> before = Trees.digest(tmp);

        refused("--out " + model + " is the input --model", evalTofu(model, data, model));
        refused("--out " + data + " is the input --data", evalTofu(model, data, data));
        refused("--out " + tmp + " contains the input --model", evalTofu(model, data, tmp));
        refused("not earlier results of 'unlearn eval tofu'", evalTofu(model, data, notes));
        refused("--out " + data + " contains the input --pool", "worst-case", "--model", model.toString(), "--pool",
                pool.toString(), "--out", data.toString());
        refused("not earlier results of 'unlearn worst-case'", "worst-case", "--model", model.toString(), "--pool",
                pool.toString(), "--out", notes.toString());
        refused("lies inside the input --model", "eval", "leakage", "--model", model.toString(), "--retain-model",
                w.retain().toString(), "--data", data.toString(), "--out", model.resolve("leak").toString());
        String[] guard = {"guard", "build", "--model", model.toString(), "--forget", pool.toString(), "--retain",
                data.resolve("retain99.json").toString(), "--out"};
        refused("is the input --forget", concat(guard, pool.toString()));
        refused("lies inside the input --model", concat(guard, model.resolve("config.json").toString()));
        refused("is an existing file that is not a GUARD filter", concat(guard, notes.resolve("thesis.tex").toString()));
        refused("is a directory", concat(guard, notes.toString()));
        assertEquals(before, Trees.digest(tmp), "an input or the user's folder changed");
    }

    @Test
    void evalTofuReplacesOnlyItsOwnEarlierResultsWholeOrNotAtAll(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("eval");
        CliRun first = CliRun.of(evalTofu(w.full(), w.data(), out));
        assertEquals(0, first.code(), first.toString());
        assertEquals(List.of("results", "eval tofu"), Files.readAllLines(out.resolve(OutputDirs.MARKER)).subList(0, 2));
        assertTrue(Files.isRegularFile(out.resolve("summary.json")));
        Files.writeString(out.resolve("stray.txt"), "left in a results folder");

        CliRun again = CliRun.of(evalTofu(w.full(), w.data(), out));
        assertEquals(0, again.code(), again.toString());
        assertTrue(Files.isRegularFile(out.resolve("summary.json")));
        assertFalse(Files.exists(out.resolve("stray.txt")), "the earlier results are replaced whole");

        // an evaluation that fails after loading the model leaves the earlier results as they were
        Path noLogs = Files.createDirectories(tmp.resolve("no-logs"));
        Map<String, String> before = Trees.digest(tmp);
        CliRun failed = CliRun.of(evalTofu(w.full(), w.data(), out, "--retain-logs", noLogs.toString()));
        assertEquals(ExitCodes.BAD_INPUT, failed.code(), failed.toString());
        assertEquals(before, Trees.digest(tmp), "a failed evaluation changed the folder or left a staging folder");

        refused("already holds the results of 'unlearn eval tofu'", "worst-case", "--model", w.full().toString(),
                "--pool", w.data().resolve("forget01.json").toString(), "--out", out.toString());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("eval", "no-logs"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aRowCapBelowWhatASelectedMetricNeedsIsRefusedBeforeAnyModelRuns(@TempDir Path tmp) {
        Path out = tmp.resolve("eval");
        CliRun r = refused("--max-rows) 2 keeps fewer rows per task than metric representation_knn of suite"
                + " representation computes on (5)", "eval", "tofu", "--model", w.full().toString(), "--data",
                w.data().toString(), "--suites", "tofu,representation", "--max-rows", "2", "--out", out.toString());
        assertFalse(r.err().contains("evaluate "), "no metric ran: " + r);
        assertFalse(Files.exists(out));
        refused("must be at least 1, found 0", "eval", "tofu", "--model", w.full().toString(), "--data",
                w.data().toString(), "--suites", "tofu", "--max-rows", "0", "--out", out.toString());
    }

    private static String[] concat(String[] a, String last) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = last;
        return r;
    }
}

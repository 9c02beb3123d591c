package dev.unlearn.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.synth.SynthWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real sweep over two forget sets that are not named splits: a seeded random set, and the set the
 * worst-case search ({@code unlearn worst-case}) selects on the tiny world's full model. Each gets its own
 * data stage and retain model, its trials run, and each gets its own best recipe. About a minute and a
 * half on 2 cores.
 */
class ForgetSetSweepTest {
    @TempDir Path dir;

    static Set<String> ids(List<QaRecord> rows) {
        return rows.stream().map(QaRecord::id).collect(Collectors.toSet());
    }

    @Test
    void randomAndWorstCaseSetsRunWithTheirOwnRetainModels() throws Exception {
        Files.writeString(dir.resolve("base.yaml"), SweepPlanTest.BASE);
        // the worst-case search on the world's full model (record level, 6 of its 80 rows)
        Path world = dir.resolve("world");
        for (String stage : List.of("data", "finetune-full")) {
            CliRun run = CliRun.of("run", dir.resolve("base.yaml").toString(), "--out", world.toString(), "--only", stage);
            assertEquals(0, run.code(), run.toString());
        }
        Path wc = dir.resolve("wc");
        CliRun search = CliRun.of("worst-case", "--model", world.resolve("finetune-full/model").toString(), "--pool",
                world.resolve("data/full.json").toString(), "--size", "6", "--iterations", "2", "--lr", "2e-3",
                "--method", "graddiff", "--max-length", "64", "--out", wc.toString(), "--template", "plain");
        assertEquals(0, search.code(), search.toString());
        Set<String> worst = ids(QaReader.read(wc.resolve("forget.json")));
        assertEquals(6, worst.size());

        Path sweep = dir.resolve("sweep.yaml");
        Files.writeString(sweep, """
                name: sets
                base: base.yaml
                space: [{method: graddiff, train: {max_steps: 2, batch_size: 4}}]
                forget: [{random: 25, seed: 1}, {worst_case: wc}]
                objective: {maximize: forget_quality}
                executor: {kind: local, workers: 1, memory_per_trial: 1g}
                """);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("sweep", sweep.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.toString());

        Plan plan = Plan.read(out);
        assertEquals(List.of("random25-s1", "worst-case-wc"), plan.trials().stream().map(Plan.Trial::forget).toList());
        ObjectMapper m = new ObjectMapper();
        List<Set<String>> forgotten = new ArrayList<>();
        for (Plan.Trial t : plan.trials()) {
            JsonNode res = m.readTree(TrialRunner.dir(out, t).resolve("result.json").toFile());
            assertTrue(res.path("metrics").path("forget_quality").isNumber(), res.toString());
            assertTrue(res.path("retain").path("forget_quality").isNumber(), res.toString());
            // the shared models of this set: its data stage holds the set, its retain model trained on the rest
            Path data = out.resolve("base").resolve(t.baseKey()).resolve("data");
            List<QaRecord> forget = QaReader.read(data.resolve("forget_set.json"));
            List<QaRecord> retain = QaReader.read(data.resolve("retain_set.json"));
            assertTrue(ids(retain).stream().noneMatch(ids(forget)::contains));
            assertEquals(QaReader.read(data.resolve("full.json")).size(), forget.size() + retain.size());
            forgotten.add(ids(forget));
            // the recipe a trial ran is the set's recipe
            Recipe rec = RecipeLoader.load(TrialRunner.dir(out, t).resolve("recipe.yaml"));
            assertTrue(rec.data().builtin().forgetSet() != null);
        }
        assertEquals(SynthWorld.QA_PER_AUTHOR, forgotten.get(0).size(), "25% of 4 authors: one author");
        assertEquals(worst, forgotten.get(1), "the worst-case set is what the search selected");
        try (Stream<Path> s = Files.list(out.resolve("base"))) {
            assertEquals(2, s.filter(p -> !p.getFileName().toString().startsWith(".")).count(), "one base per set");
        }
        // one best recipe per set, each naming its set
        Recipe bestRandom = RecipeLoader.load(out.resolve("report/best-random25-s1.yaml"));
        assertEquals(25.0, bestRandom.data().builtin().forgetSet().random());
        assertEquals(1L, bestRandom.data().builtin().forgetSet().seed());
        Recipe bestWc = RecipeLoader.load(out.resolve("report/best-worst-case-wc.yaml"));
        assertEquals(wc.toString(), bestWc.data().builtin().forgetSet().worstCase());
        assertEquals(64, bestWc.data().builtin().forgetSet().sha256().length());
        Set<String> labels = new HashSet<>();
        m.readTree(out.resolve("report/report.json").toFile()).path("settings").forEach(s -> labels.add(s.path("forget").asText()));
        assertEquals(Set.of("random25-s1", "worst-case-wc"), labels);
    }
}

package dev.unlearn.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.recipe.RecipeLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real sweep of a tiny model with the local executor (worker processes): one worker is killed in the
 * middle of its trial, the rerun completes the sweep, every trial is recorded once, and a further rerun
 * skips everything. About a minute on 2 cores.
 */
class SweepRunTest {
    @TempDir Path dir;

    static final String SWEEP = """
            name: run-test
            base: base.yaml
            space:
              - method: npo
                train: {lr: [1.0e-3, 2.0e-3]}
              - method: graddiff
                train: {max_steps: 2, batch_size: 4}
            objective:
              maximize: forget_quality
              subject_to:
                model_utility: {min_of_full: 0.5}
            executor: {kind: local, workers: 2, memory_per_trial: 1g}
            """;

    static List<Path> trialDirs(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out.resolve("trials"))) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    static List<Path> temps(Path out) throws Exception {
        if (!Files.isDirectory(out.resolve("trials"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out.resolve("trials"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList();
        }
    }

    @Test
    void killedWorkerIsRedoneOnRerunAndNoTrialCountsTwice() throws Exception {
        Files.writeString(dir.resolve("base.yaml"), SweepPlanTest.BASE);
        Path sweep = dir.resolve("sweep.yaml");
        Files.writeString(sweep, SWEEP);
        Path out = dir.resolve("out");
        CompletableFuture<CliRun> first = CompletableFuture.supplyAsync(() -> CliRun.of("sweep", sweep.toString(), "--out",
                out.toString()));
        // wait for a trial that is under way (its temporary folder holds the run directory), then kill its process
        Optional<ProcessHandle> victim = Optional.empty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (victim.isEmpty() && System.nanoTime() < deadline && !first.isDone()) {
            for (Path t : temps(out)) {
                if (!Files.isDirectory(t.resolve("run").resolve("finetune-full"))) {
                    continue;
                }
                // the trial's lock names its process ("held by pid N ..."); kill it only if it is our worker
                String digest = t.getFileName().toString().substring(5, 5 + 64);
                Path lock = out.resolve("trials/.locks").resolve(digest + ".lock");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("held by pid (\\d+)")
                        .matcher(Files.exists(lock) ? Files.readString(lock) : "");
                if (m.find()) {
                    long pid = Long.parseLong(m.group(1));
                    victim = ProcessHandle.current().descendants().filter(p -> p.pid() == pid).findFirst();
                }
            }
            Thread.sleep(50);
        }
        if (victim.isEmpty()) {
            String why = first.isDone() ? first.handle((r, ex) -> ex != null ? ex.toString() : r.toString()).get()
                    : "still running after 240 s";
            throw new AssertionError("no trial process was seen mid-trial; the sweep: " + why);
        }
        victim.get().destroyForcibly();
        CliRun r1 = first.get(300, TimeUnit.SECONDS);
        assertEquals(3, r1.code(), "a crashed trial is an infrastructure error (exit 3):\n" + r1);
        assertTrue(r1.err().contains("crashed"), r1.err());
        int doneFirst = trialDirs(out).size();
        assertEquals(2, doneFirst, "the two other trials finished:\n" + r1);
        CliRun st = CliRun.of("sweep", "status", out.toString());
        assertTrue(st.out().contains("3 trials: 2 done, 0 failed, 0 running, 1 partial"), st.out());

        // the rerun redoes only the killed trial
        CliRun r2 = CliRun.of("sweep", sweep.toString(), "--out", out.toString());
        assertEquals(0, r2.code(), r2.toString());
        assertTrue(r2.out().contains("3 trials (grid search), 2 finished, 1 to run"), r2.out());
        List<Path> dirs = trialDirs(out);
        assertEquals(3, dirs.size(), "each trial once");
        assertEquals(List.of(), temps(out), "no partial folder left");
        Plan plan = Plan.read(out);
        ObjectMapper m = new ObjectMapper();
        for (Plan.Trial t : plan.trials()) {
            JsonNode man = m.readTree(TrialRunner.dir(out, t).resolve("manifest.json").toFile());
            assertEquals(t.digest(), man.path("digest").asText());
            assertEquals("done", man.path("status").asText());
            JsonNode res = m.readTree(TrialRunner.dir(out, t).resolve("result.json").toFile());
            assertTrue(res.path("metrics").path("forget_quality").isNumber());
            assertTrue(res.path("full").path("model_utility").isNumber());
            // the trial's recipe is a ready recipe; the model was not kept
            RecipeLoader.load(TrialRunner.dir(out, t).resolve("recipe.yaml"));
            assertFalse(Files.exists(TrialRunner.dir(out, t).resolve("run/unlearn").resolve(t.label()).resolve("model")));
        }
        // the models were built once, in base/, and shared
        try (Stream<Path> s = Files.list(out.resolve("base"))) {
            assertEquals(1, s.filter(p -> !p.getFileName().toString().startsWith(".")).count());
        }
        JsonNode report = m.readTree(out.resolve("report/report.json").toFile());
        assertEquals(3, report.path("trials").path("done").asInt());
        int counted = 0;
        for (JsonNode s : report.path("settings")) {
            counted += s.path("trials_done").asInt();
        }
        assertEquals(3, counted, "no trial counted twice");
        assertTrue(Files.readString(out.resolve("report/pareto.svg")).startsWith("<svg"));
        Path best = out.resolve("report/best.yaml");
        assertNotNull(RecipeLoader.load(best));
        assertEquals(2, RecipeLoader.load(best).methods().size(), "one best run per method");

        // a third run skips every finished trial
        CliRun r3 = CliRun.of("sweep", sweep.toString(), "--out", out.toString());
        assertEquals(0, r3.code(), r3.toString());
        assertTrue(r3.out().contains("3 finished, 0 to run"), r3.out());
        assertEquals(dirs, trialDirs(out));
        // and so does the trial command on a finished trial
        CliRun again = CliRun.of("sweep", "trial", out.toString(), "0");
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("is finished (done): skipped"), again.out());
    }
}

package dev.unlearn.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real successive-halving sweep with the local executor: 3 settings at 1 step, the best 2 at 2 steps,
 * the best at 4; a rerun plans the same rungs from the finished trials and runs nothing. About a minute
 * on 2 cores.
 */
class HalvingSweepTest {
    @TempDir Path dir;

    @Test
    void rungsRunInTurnAndARerunReplaysThem() throws Exception {
        Files.writeString(dir.resolve("base.yaml"), SweepPlanTest.BASE);
        Path sweep = dir.resolve("sweep.yaml");
        Files.writeString(sweep, """
                name: halving
                base: base.yaml
                search: {kind: grid, halving: {min: 1, max: 4, eta: 2}}
                space: [{method: npo, train: {lr: [1.0e-3, 2.0e-3, 4.0e-3]}}]
                objective: {maximize: forget_quality}
                executor: {kind: local, workers: 2, memory_per_trial: 1g}
                """);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("sweep", sweep.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("successive halving, rung 1: the best 2 setting(s) with max_steps 2"), r.out());
        assertTrue(r.out().contains("successive halving, rung 2: the best 1 setting(s) with max_steps 4"), r.out());
        Plan plan = Plan.read(out);
        assertEquals(List.of(0, 0, 0, 1, 1, 2), plan.trials().stream().map(Plan.Trial::rung).toList());
        for (Plan.Trial t : plan.trials()) {
            assertTrue(TrialRunner.finished(out, t) != null, "trial " + t.index() + " finished");
        }
        // the rung-2 setting is one of rung 1's
        double lr2 = plan.trials().get(5).params().get("train.lr").asDouble();
        assertTrue(plan.trials().subList(3, 5).stream().anyMatch(t -> t.params().get("train.lr").asDouble() == lr2));
        assertTrue(Files.isRegularFile(out.resolve("report/best.yaml")));
        CliRun again = CliRun.of("sweep", sweep.toString(), "--out", out.toString());
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("6 trials (grid search), 6 finished, 0 to run"), again.out());
    }
}

package dev.unlearn.cli.sweep;

import dev.unlearn.cli.commands.FileLocks;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.UnlearnException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code unlearn sweep}: grid and random search over methods and settings, run locally, on Slurm or on Kubernetes. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        header = "Search methods, hyperparameters, forget sets and seeds; rank the trials; write the best recipe.",
        description = {
            "SWEEP.yaml names a base recipe, a search space (grid or random, optionally as successive halving), forget",
            "sets (named splits, seeded random sets, worst-case sets), seeds, an objective and an executor",
            "(recipes/README.md#sweeps). Each trial is a one-method recipe; it runs in its own process into",
            "OUT/trials/DIGEST/ (DIGEST = SHA-256 of its spec) and is skipped on a rerun once finished; a crashed trial",
            "is redone. The full and retain models are built once (OUT/base/) and shared by all trials.",
            "Executors run the same trial command, 'unlearn sweep trial OUT INDEX': local (worker processes),",
            "slurm (a job array; the index is SLURM_ARRAY_TASK_ID), kubernetes (an Indexed Job; JOB_COMPLETION_INDEX).",
            "",
            "Examples:",
            "  unlearn sweep recipes/sweep-demo.yaml --workers 2",
            "  unlearn sweep recipes/sweep-demo.yaml --executor slurm --wait",
            "  unlearn sweep status runs/sweep-demo",
            "  unlearn sweep report runs/sweep-demo"
        },
        subcommands = {SweepCommand.TrialCmd.class, SweepCommand.StatusCmd.class, SweepCommand.ReportCmd.class})
public class SweepCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SWEEP.yaml", arity = "0..1", description = "The sweep file.")
    Path file;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: the file's output).")
    Path out;

    @Option(names = "--executor", paramLabel = "KIND", description = "local, slurm or kubernetes (default: the file's, else local).")
    String executor;

    @Option(names = "--workers", paramLabel = "N", description = "Local worker processes (default: the file's, else the cores;"
            + " bounded by cores, memory and devices).")
    Integer workers;

    @Option(names = "--no-submit", description = "slurm: write the job script without submitting it.")
    boolean noSubmit;

    @Option(names = "--wait", description = "slurm: wait until the job array has ended, then write the report.")
    boolean await;

    @Option(names = "--retry-failed", description = "Redo trials that finished with status failed.")
    boolean retryFailed;

    @Option(names = "--plan-only", description = "Write the plan (OUT/sweep/plan.json) and stop.")
    boolean planOnly;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        if (file == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing SWEEP.yaml (or a subcommand: trial, status, report)");
        }
        Sweep s = SweepLoader.load(file);
        String kind = executor != null ? executor : s.executor().kind();
        if (!List.of("local", "slurm", "kubernetes").contains(kind)) {
            throw new InvalidInputException("--executor: unknown '" + kind + "'; valid: local, slurm, kubernetes");
        }
        if (workers != null && workers < 1) {
            throw new InvalidInputException("--workers: must be at least 1, found " + workers);
        }
        Path dir = out != null ? out : s.file().getParent()
                .resolve(s.output() != null ? s.output() : "../runs/" + s.name()).normalize();
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("sweep file", s.file());
        inputs.put("base recipe", s.baseRecipe());
        for (String k : List.of("checkpoint", "retain_checkpoint")) {
            if (s.base().path("model").path(k).isTextual()) {
                inputs.put("model." + k, Path.of(s.base().path("model").path(k).asText()));
            }
        }
        if (s.base().path("data").path("tofu").path("dir").isTextual()) {
            inputs.put("data.tofu.dir", Path.of(s.base().path("data").path("tofu").path("dir").asText()));
        }
        OutputDirs.refuseOverlap(dir, inputs);
        OutputDirs.claim(dir, "sweep output folder", OutputDirs.Kind.SWEEP);
        OutputDirs.requireKind(dir.resolve("report"), "report folder", OutputDirs.Kind.SWEEP_REPORT); // before any trial
        Plan plan = promoted(s, Plan.expand(s), dir);
        try {
            Files.createDirectories(dir.resolve("sweep"));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        try (FileLocks lock = FileLocks.tryExclusive(dir.resolve("sweep").resolve(".lock"), "sweep " + dir)) {
            plan.write(dir);
            copy(s.file(), dir.resolve("sweep/sweep.yaml"));
            copy(s.baseRecipe(), dir.resolve("sweep/base-recipe.yaml"));
            List<Integer> pending = pending(plan, dir);
            int finished = plan.trials().size() - pending.size();
            long bases = plan.trials().stream().map(Plan.Trial::baseKey).distinct().count();
            o.printf("sweep %s: %d trials (%s search), %d finished, %d to run; %d pair(s) of full and retain models;"
                    + " output %s%n", plan.name(), plan.trials().size(), s.search().kind(), finished, pending.size(), bases,
                    dir.toAbsolutePath());
            o.flush();
            if (planOnly) {
                o.println("plan: " + dir.resolve(Plan.FILE).toAbsolutePath());
                return 0;
            }
            switch (kind) {
                case "slurm":
                    return slurm(o, s, plan, dir, pending);
                case "kubernetes":
                    Path job = KubernetesExecutor.write(dir, plan, s.executor().kubernetes(), s.executor().memoryPerTrialMb());
                    o.printf("Kubernetes Indexed Job for %d trials: %s%n  put %s on the volume claim '%s', then:"
                            + " kubectl apply -f %s%n  follow it with: unlearn sweep status OUT%n", plan.trials().size(), job,
                            dir.toAbsolutePath(), s.executor().kubernetes().path("volume_claim").asText(), job);
                    nextRungNote(o, s, plan);
                    return 0;
                default:
                    LocalExecutor.Result r = local(o, s, plan, dir, pending);
                    // successive halving: promote the best settings of each finished rung and run them
                    for (Plan next = promoted(s, plan, dir); next != plan && r.crashed() == 0; next = promoted(s, plan, dir)) {
                        plan = rung(o, s, next, dir);
                        LocalExecutor.Result more = local(o, s, plan, dir, pending(plan, dir));
                        r = new LocalExecutor.Result(r.done() + more.done(), r.failed() + more.failed(),
                                r.crashed() + more.crashed(), more.workers(), r.wallSeconds() + more.wallSeconds());
                    }
                    return report(o, dir, r);
            }
        }
    }

    /** The plan with every rung that the finished trials already decide (a rerun replays the promotions). */
    static Plan promoted(Sweep s, Plan plan, Path dir) {
        for (Plan next = plan.promote(s, dir); next != plan; next = plan.promote(s, dir)) {
            plan = next;
        }
        return plan;
    }

    /** Writes a plan with a new rung and says what it runs. */
    private static Plan rung(PrintWriter o, Sweep s, Plan plan, Path dir) {
        plan.write(dir);
        Plan.Trial last = plan.trials().get(plan.trials().size() - 1);
        long settings = plan.trials().stream().filter(t -> t.rung() == last.rung()).map(Plan.Trial::setting).distinct().count();
        o.printf("successive halving, rung %d: the best %d setting(s) with %s %d%n", last.rung(), settings,
                s.search().halving().key(), s.search().halving().budgets().get(last.rung()));
        o.flush();
        return plan;
    }

    private void nextRungNote(PrintWriter o, Sweep s, Plan plan) {
        Sweep.Halving h = s.search().halving();
        if (h != null && plan.trials().get(plan.trials().size() - 1).rung() + 1 < h.budgets().size()) {
            o.println("successive halving: once these trials have ended, run the same command again to plan (and"
                    + " submit) the next rung");
        }
    }

    private List<Integer> pending(Plan plan, Path dir) {
        List<Integer> pending = new ArrayList<>();
        for (Plan.Trial t : plan.trials()) {
            var m = TrialRunner.finished(dir, t);
            if (m == null || (retryFailed && "failed".equals(m.path("status").asText()))) {
                pending.add(t.index());
            }
        }
        return pending;
    }

    private LocalExecutor.Result local(PrintWriter o, Sweep s, Plan plan, Path dir, List<Integer> pending) {
        LocalExecutor.Result r = new LocalExecutor.Result(0, 0, 0, 0, 0);
        if (!pending.isEmpty()) {
            int n = LocalExecutor.workers(workers != null ? workers : s.executor().workers(), s.executor().memoryPerTrialMb(),
                    s.executor().devices(), o);
            n = Math.min(n, pending.size());
            // the shared models first: the first trial of each pair that is not built yet runs alone (in a worker
            // process, like every trial; this process never loads the engine), so no worker waits for another
            long t0 = System.nanoTime();
            List<Integer> solo = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            for (int i : pending) {
                Plan.Trial t = plan.trial(i);
                if (!seen.contains(t.baseKey())) {
                    seen.add(t.baseKey());
                    if (!Files.isRegularFile(dir.resolve("base").resolve(t.baseKey()).resolve("report/manifest.json"))) {
                        solo.add(i);
                    }
                }
            }
            List<Integer> rest = new ArrayList<>(pending);
            rest.removeAll(solo);
            if (!solo.isEmpty()) {
                // one at a time with every core: the thread count changes the reduction order, so a pair built
                // beside others would differ in the last bits from the same pair built alone
                o.printf("building %d pair(s) of full and retain models, one at a time with all cores, with the first"
                        + " trial of each (logs: %s)%n", solo.size(), dir.resolve("sweep/logs").toAbsolutePath());
                o.flush();
                r = LocalExecutor.run(dir, plan, solo, 1, s.executor().memoryPerTrialMb(),
                        s.executor().devices(), retryFailed, o);
            }
            o.printf(Locale.ROOT, "running %d trials with %d local workers (logs: %s)%n", rest.size(), n,
                    dir.resolve("sweep/logs").toAbsolutePath());
            o.flush();
            LocalExecutor.Result r2 = LocalExecutor.run(dir, plan, rest, n, s.executor().memoryPerTrialMb(),
                    s.executor().devices(), retryFailed, o);
            r = new LocalExecutor.Result(r.done() + r2.done(), r.failed() + r2.failed(), r.crashed() + r2.crashed(), n,
                    (System.nanoTime() - t0) / 1e9);
            o.printf(Locale.ROOT, "%d trials in %.1f s with %d workers: %d done, %d failed, %d crashed%n", pending.size(),
                    r.wallSeconds(), r.workers(), r.done(), r.failed(), r.crashed());
        }
        return r;
    }

    private static int report(PrintWriter o, Path dir, LocalExecutor.Result r) {
        Path rep = SweepReport.write(dir);
        o.print(firstLines(read(rep.resolve("leaderboard.txt")), 14));
        o.println("report: " + rep.resolve("report.html").toAbsolutePath());
        o.println("best settings: " + rep.toAbsolutePath() + "/best*.yaml");
        o.flush();
        if (r.crashed() > 0) {
            throw new UnlearnException(r.crashed() + " trial(s) crashed (logs in " + dir.resolve("sweep/logs")
                    + "); run the same command again to redo them");
        }
        return 0;
    }

    private int slurm(PrintWriter o, Sweep s, Plan plan, Path dir, List<Integer> pending) {
        if (pending.isEmpty()) {
            o.println("every trial is finished; nothing to submit");
            Path rep = SweepReport.write(dir);
            o.println("report: " + rep.resolve("report.html").toAbsolutePath());
            return 0;
        }
        Path script = SlurmExecutor.write(dir, plan, pending, s.executor().slurm(), s.executor().memoryPerTrialMb());
        o.println("Slurm job array script: " + script.toAbsolutePath());
        if (noSubmit) {
            o.println("not submitted (--no-submit); submit with: sbatch " + script.toAbsolutePath());
            nextRungNote(o, s, plan);
            return 0;
        }
        String job = SlurmExecutor.submit(dir, script, o);
        if (!await) {
            o.println("follow it with: unlearn sweep status " + dir + "   (squeue -j " + job + ")");
            nextRungNote(o, s, plan);
            return 0;
        }
        o.println("waiting for job " + job + " ...");
        o.flush();
        String last = "";
        while (SlurmExecutor.queued(job)) {
            String st = SweepReport.status(dir).lines().findFirst().orElse("");
            if (!st.equals(last)) {
                o.println(st);
                o.flush();
                last = st;
            }
            try {
                Thread.sleep(3000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new UnlearnException("interrupted while waiting for Slurm job " + job + " (it goes on running)", ex);
            }
        }
        o.print(SweepReport.status(dir));
        Plan next = promoted(s, plan, dir);
        if (next != plan) {
            Plan withRung = rung(o, s, next, dir);
            return slurm(o, s, withRung, dir, pending(withRung, dir));
        }
        Path rep = SweepReport.write(dir);
        o.print(firstLines(read(rep.resolve("leaderboard.txt")), 14));
        o.println("report: " + rep.resolve("report.html").toAbsolutePath());
        return 0;
    }

    private static void copy(Path from, Path to) {
        try {
            Path tmp = Files.createTempFile(to.getParent(), ".copy-", ".tmp");
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, ex);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static String firstLines(String text, int n) {
        StringBuilder b = new StringBuilder();
        text.lines().limit(n).forEach(l -> b.append(l).append('\n'));
        long more = text.lines().count() - n;
        if (more > 0) {
            b.append("  ... ").append(more).append(" more in leaderboard.txt\n");
        }
        return b.toString();
    }

    /** What the subcommands share: the command spec and the sweep's output folder, the first parameter. */
    abstract static class OnOutputFolder implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "OUT", description = "The sweep's output folder.")
        Path out;

        /** The command's standard output. */
        PrintWriter stdout() {
            return spec.commandLine().getOut();
        }
    }

    /** {@code unlearn sweep trial OUT [INDEX]}: the trial command every executor runs. */
    @Command(name = "trial", mixinStandardHelpOptions = true, header = "Run one trial of a planned sweep (what executors run).",
            description = {
                "Runs trial INDEX of OUT/sweep/plan.json in this process into OUT/trials/DIGEST/ (skipped when finished).",
                "Without INDEX it is read from SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX (a",
                "Kubernetes Indexed Job)."
            })
    public static class TrialCmd extends OnOutputFolder {
        @Parameters(index = "1", arity = "0..1", paramLabel = "INDEX", description = "Plan index of the trial.")
        Integer index;

        @Option(names = "--retry-failed", description = "Redo the trial if it finished with status failed.")
        boolean retryFailed;

        @Option(names = "--executor-name", paramLabel = "NAME", description = "Recorded in the trial's manifest.",
                defaultValue = "manual")
        String executorName;

        @Override
        public Integer call() {
            int i = index != null ? index : envIndex();
            TrialRunner.run(out, i, retryFailed, executorName, stdout());
            return 0;
        }

        static int envIndex() {
            for (String v : List.of("SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX")) {
                String s = System.getenv(v);
                if (s != null && !s.isBlank()) {
                    try {
                        return Integer.parseInt(s.trim());
                    } catch (NumberFormatException ex) {
                        throw new InvalidInputException(v + "='" + s + "' is not a trial index");
                    }
                }
            }
            throw new InvalidInputException("give INDEX, or run under a Slurm job array (SLURM_ARRAY_TASK_ID) or a Kubernetes"
                    + " Indexed Job (JOB_COMPLETION_INDEX)");
        }
    }

    /** {@code unlearn sweep status OUT}. */
    @Command(name = "status", mixinStandardHelpOptions = true, header = "Count finished, running and pending trials of a sweep.")
    public static class StatusCmd extends OnOutputFolder {
        @Override
        public Integer call() {
            stdout().print(SweepReport.status(out));
            stdout().flush();
            return 0;
        }
    }

    /** {@code unlearn sweep report OUT}. */
    @Command(name = "report", mixinStandardHelpOptions = true,
            header = "Rank a sweep's trials; write the Pareto plot, the table and the best recipe (OUT/report/).")
    public static class ReportCmd extends OnOutputFolder {
        @Override
        public Integer call() {
            PrintWriter o = stdout();
            Path rep = SweepReport.write(out);
            o.print(read(rep.resolve("leaderboard.txt")));
            o.println("report: " + rep.resolve("report.html").toAbsolutePath());
            o.flush();
            return 0;
        }
    }
}

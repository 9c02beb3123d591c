package dev.unlearn.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.Version;
import dev.unlearn.cli.commands.FileLocks;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.cli.pipeline.DefaultSteps;
import dev.unlearn.cli.pipeline.RunPipeline;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.BuildInfo;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.io.StagingDirs;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs one trial of a plan in this process: {@code unlearn sweep trial OUT INDEX} under every executor.
 *
 * <ol>
 *   <li>A trial whose {@code trials/DIGEST/manifest.json} exists is finished (done or failed): skipped.</li>
 *   <li>Otherwise the trial takes {@code trials/.locks/DIGEST.lock} (a second process on the same trial
 *       fails at once naming the holder) and removes what a killed run of it left ({@code trials/.tmp-DIGEST-*}).</li>
 *   <li>The shared full and retain models: {@code base/KEY/}, a run directory of the recipe runner with no
 *       method runs, built by the first trial that needs it (under {@code base/.locks/KEY.lock}, which the
 *       others wait for) and reused through the stage cache by the rest.</li>
 *   <li>The trial's own run directory starts as hard links to the base stages ({@code data},
 *       {@code finetune-full}, {@code finetune-retain}, {@code eval/full}, {@code eval/retain}), so the
 *       recipe runner reuses them and runs only {@code unlearn/NAME}, {@code eval/NAME} and {@code report}:
 *       exactly what {@code unlearn run recipe.yaml} of the trial would compute.</li>
 *   <li>Everything is written into {@code trials/.tmp-DIGEST-*}; {@code manifest.json} is written last and
 *       the folder renamed to {@code trials/DIGEST} in one atomic step. A process killed before that leaves
 *       no finished trial, and the next run redoes it; a trial is never recorded twice.</li>
 * </ol>
 *
 * <p>A run that fails inside the pipeline (training diverged, a stage error) is recorded as finished
 * with {@code status: failed} and its error, and ranked last; {@code --retry-failed} redoes it.
 */
public final class TrialRunner {
    /** The stages of the base run directory a trial reuses. */
    static final List<String> SHARED = List.of("data", "finetune-full", "finetune-retain", "eval/full", "eval/retain");

    /** What one call did. */
    public enum Outcome {
        DONE,
        FAILED,
        SKIPPED
    }

    private TrialRunner() {}

    /** The folder of a trial. */
    public static Path dir(Path out, Plan.Trial t) {
        return out.resolve("trials").resolve(t.digest());
    }

    /** The finished trial's manifest, or null when it is not finished. */
    public static ObjectNode finished(Path out, Plan.Trial t) {
        Path m = dir(out, t).resolve("manifest.json");
        if (!Files.isRegularFile(m)) {
            return null;
        }
        try {
            JsonNode n = Plan.JSON.readTree(m.toFile());
            if (n instanceof ObjectNode o && t.digest().equals(o.path("digest").asText())
                    && List.of("done", "failed").contains(o.path("status").asText())) {
                return o;
            }
        } catch (IOException ex) {
            // unreadable: not finished
        }
        return null;
    }

    /** Runs trial {@code index} of the plan in {@code out}. */
    public static Outcome run(Path out, int index, boolean retryFailed, String executor, PrintWriter log) {
        Plan plan = Plan.read(out);
        Plan.Trial t = plan.trial(index);
        String what = "trial " + index + " (" + t.label() + " " + t.params() + ", " + t.forget() + ", seed " + t.seed() + ")";
        ObjectNode done = finished(out, t);
        if (done != null && !(retryFailed && "failed".equals(done.path("status").asText()))) {
            log.printf("%s is finished (%s): skipped%n", what, done.path("status").asText());
            log.flush();
            return Outcome.SKIPPED;
        }
        Path trials = out.resolve("trials");
        Path locks = trials.resolve(".locks");
        try {
            Files.createDirectories(locks);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot create " + locks, ex);
        }
        try (FileLocks lock = FileLocks.tryExclusive(locks.resolve(t.digest() + ".lock"), what + " in " + out)) {
            done = finished(out, t);
            if (done != null && !(retryFailed && "failed".equals(done.path("status").asText()))) {
                log.printf("%s was finished by another process: skipped%n", what);
                log.flush();
                return Outcome.SKIPPED;
            }
            removeLeftovers(trials, t.digest());
            return runLocked(out, plan, t, what, executor, log);
        }
    }

    /** Removes what a killed run of this trial left (we hold its lock, so nobody is writing them). */
    private static void removeLeftovers(Path trials, String digest) {
        try (Stream<Path> s = Files.list(trials)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(".tmp-" + digest + "-") || n.startsWith(".old-" + digest + "-")) {
                    OutputDirs.deleteTree(p);
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot list " + trials, ex);
        }
        Path dir = trials.resolve(digest);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            // a folder without a valid manifest (or a failed trial being retried): set aside, then removed
            try {
                Path old = trials.resolve(".old-" + digest + "-" + System.nanoTime());
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
                OutputDirs.deleteTree(old);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot set aside the unfinished " + dir, ex);
            }
        }
    }

    private static Outcome runLocked(Path out, Plan plan, Plan.Trial t, String what, String executor, PrintWriter log) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Path trials = out.resolve("trials");
        Path tmp;
        try {
            tmp = StagingDirs.create(trials, ".tmp-" + t.digest() + "-");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        log.printf("%s: running in %s%n", what, tmp);
        log.flush();
        ObjectNode result = Plan.JSON.createObjectNode();
        String status;
        try {
            ObjectNode trial = Plan.JSON.createObjectNode();
            trial.put("index", t.index()).put("digest", t.digest()).put("label", t.label()).put("method", t.method())
                    .put("forget", t.forget()).put("seed", t.seed());
            trial.set("params", t.params());
            trial.set("spec", t.spec());
            Plan.JSON.writeValue(tmp.resolve("trial.json").toFile(), trial);
            Path recipeFile = tmp.resolve("recipe.yaml");
            SweepLoader.YAML.writeValue(recipeFile.toFile(), Plan.recipe(t.spec(), plan.name() + "-" + t.digest().substring(0, 12)));
            Recipe recipe = RecipeLoader.load(recipeFile);
            Path base = ensureBase(out, t, recipe, log);
            Path runDir = tmp.resolve("run");
            Files.createDirectories(runDir);
            linkTree(base.resolve(OutputDirs.MARKER), runDir.resolve(OutputDirs.MARKER));
            for (String s : SHARED) {
                linkTree(base.resolve(s), runDir.resolve(s));
            }
            try {
                new RunPipeline(new DefaultSteps(progress()), log).run(recipe, tmp, runDir, null);
                status = "done";
                result.set("metrics", readTree(runDir.resolve("eval").resolve(t.label()).resolve("summary.json")));
            } catch (InvalidInputException ex) {
                throw ex;
            } catch (UnlearnException ex) {
                status = "failed";
                result.put("error", ex.getMessage());
                log.printf("%s failed: %s%n", what, ex.getMessage());
            }
            result.set("full", readTree(base.resolve("eval/full/summary.json")));
            result.set("retain", readTree(base.resolve("eval/retain/summary.json")));
            result.put("base", out.relativize(base).toString());
            Plan.JSON.writeValue(tmp.resolve("result.json").toFile(), result);
            // the shared stages stay in base/; the model only when asked for
            for (String s : SHARED) {
                OutputDirs.deleteTree(runDir.resolve(s));
            }
            if (!plan.json().path("keep_models").asBoolean()) {
                OutputDirs.deleteTree(runDir.resolve("unlearn").resolve(t.label()).resolve("model"));
            }
            ObjectNode m = Plan.JSON.createObjectNode();
            m.put("digest", t.digest()).put("index", t.index()).put("status", status).put("label", t.label())
                    .put("method", t.method()).put("started", started.toString())
                    .put("wall_seconds", (System.nanoTime() - t0) / 1e9).put("executor", executor)
                    .put("host", host()).put("pid", ProcessHandle.current().pid())
                    .put("torch_threads", System.getProperty("ai.djl.pytorch.num_threads",
                            System.getenv().getOrDefault("OMP_NUM_THREADS", "libtorch default")));
            String job = System.getenv("SLURM_ARRAY_JOB_ID");
            if (job != null) {
                m.put("slurm_job", job + "_" + System.getenv("SLURM_ARRAY_TASK_ID"));
            }
            String pod = System.getenv("HOSTNAME");
            if (System.getenv("JOB_COMPLETION_INDEX") != null && pod != null) {
                m.put("kubernetes_pod", pod);
            }
            ObjectNode v = m.putObject("versions");
            v.put("unlearn", Version.tool());
            v.put("unlearn_build", BuildInfo.current().buildId());
            BuildInfo.libraries().forEach(v::put);
            // the completion marker: written last, then the folder appears in one rename
            Plan.JSON.writeValue(tmp.resolve("manifest.json").toFile(), m);
            Path dir = dir(out, t);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException ex) {
                OutputDirs.deleteTree(tmp);
                log.printf("%s was finished by another process meanwhile; this result is discarded%n", what);
                log.flush();
                return Outcome.SKIPPED;
            }
            log.printf("%s: %s in %.1f s%s%n", what, status, (System.nanoTime() - t0) / 1e9, summary(result));
            log.flush();
            return status.equals("done") ? Outcome.DONE : Outcome.FAILED;
        } catch (IOException ex) {
            OutputDirs.deleteTree(tmp);
            throw new UncheckedIOException(what + ": " + ex.getMessage(), ex);
        } catch (RuntimeException ex) {
            OutputDirs.deleteTree(tmp);
            throw ex;
        }
    }

    private static PrintStream progress() {
        return System.err;
    }

    private static String summary(ObjectNode result) {
        JsonNode m = result.path("metrics");
        if (m.isMissingNode()) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, ": forget_quality %.4g, model_utility %.4f",
                m.path("forget_quality").asDouble(Double.NaN), m.path("model_utility").asDouble(Double.NaN));
    }

    /**
     * The base run directory of a trial: its full and retain models and their evaluations, built by the
     * recipe runner once (the first trial to get here builds it; others wait on the lock, then reuse it).
     */
    static Path ensureBase(Path out, Plan.Trial t, Recipe trialRecipe, PrintWriter log) {
        Path bases = out.resolve("base");
        Path base = bases.resolve(t.baseKey());
        try {
            Files.createDirectories(bases.resolve(".locks"));
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot create " + bases, ex);
        }
        try (FileLocks lock = FileLocks.exclusive(bases.resolve(".locks").resolve(t.baseKey() + ".lock"),
                "base models " + base)) {
            Recipe r = new Recipe("base models (" + t.forget() + ", seed " + t.seed() + ")", trialRecipe.seed(), null,
                    trialRecipe.data(), trialRecipe.model(), trialRecipe.finetune(), List.of(), trialRecipe.eval());
            log.printf("[base %s] full and retain models for %s, seed %d%n", t.baseKey(), t.forget(), t.seed());
            log.flush();
            new RunPipeline(new DefaultSteps(progress()), log).run(r, base, base, null);
            return base;
        }
    }

    /** Hard links of every file under {@code from} at the same places under {@code to} (copies where links fail). */
    static void linkTree(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            throw new InvalidInputException("the base run directory lacks " + from);
        }
        if (Files.isRegularFile(from)) {
            Files.createDirectories(to.getParent());
            link(from, to);
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(q);
                } else {
                    link(p, q);
                }
            }
        }
    }

    private static void link(Path p, Path q) throws IOException {
        try {
            Files.createLink(q, p);
        } catch (UnsupportedOperationException | IOException ex) {
            if (ex instanceof FileAlreadyExistsException) {
                throw (FileAlreadyExistsException) ex;
            }
            Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static JsonNode readTree(Path p) throws IOException {
        return Plan.JSON.readTree(p.toFile());
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException ex) {
            return "unknown";
        }
    }
}

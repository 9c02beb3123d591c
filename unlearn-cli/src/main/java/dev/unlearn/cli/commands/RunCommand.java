package dev.unlearn.cli.commands;

import dev.unlearn.cli.BaseCommand;
import dev.unlearn.cli.pipeline.DefaultSteps;
import dev.unlearn.cli.pipeline.RunPipeline;
import dev.unlearn.cli.pipeline.RunReport;
import dev.unlearn.cli.pipeline.StageRunner;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.cli.recipe.RecipeLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code unlearn run}: a recipe as resumable stages. */
@Command(name = "run", mixinStandardHelpOptions = true, header = "Run a recipe: data, fine-tune, unlearn, evaluate, report.",
        description = {
            "Stages: data, finetune-full, finetune-retain, unlearn/NAME (one per method run), eval/NAME (every model),",
            "report. Each stage writes into the run directory with a manifest (fingerprint of its config and input",
            "digests, seed, versions, wall time); a re-run skips unchanged stages and redoes changed ones; an interrupted",
            "run resumes. Prints a leaderboard and the path of report.html.",
            "The recipe is validated completely before any work (errors give key path and line). The run directory",
            "must not overlap the recipe's checkpoints or data and must be new, empty or a run directory of unlearn (its",
            ".unlearn-output mark says run); it is locked while the run lasts, so a second run on it fails at once",
            "naming the holder. --dry-run prints what a run would do, stage by stage (reuse, run, or rerun with the",
            "settings that changed), and runs, trains and writes nothing.",
            "",
            "Examples:",
            "  unlearn run recipes/demo.yaml",
            "  unlearn run recipes/all-methods.yaml --out runs/compare",
            "  unlearn run recipes/demo.yaml --only eval        # re-evaluate every model",
            "  unlearn run recipes/demo.yaml --set finetune.lr=1e-3 --dry-run   # what would rerun",
            "  unlearn run recipes/demo.yaml --set finetune.epochs=5 --set methods.npo.config.beta=0.2"
        })
public class RunCommand extends BaseCommand {

    @Parameters(paramLabel = "RECIPE.yaml", description = "The recipe (see recipes/README.md).")
    Path recipe;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: the recipe's output).")
    Path out;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a recipe key (repeatable), validated like the file: finetune.lr=3e-3,"
                    + " eval.max_new_tokens=32, methods.npo.config.beta=0.2 (a list entry by index, methods.0 or methods[0], or by name).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--only", paramLabel = "STAGE",
            description = "Rerun one stage (data, finetune-full, finetune-retain, unlearn[/NAME], eval[/NAME], report).")
    String only;

    @Option(names = {"-n", "--dry-run"},
            description = "Print what the run would do, stage by stage, and stop: nothing is trained, evaluated or written.")
    boolean dryRun;

    @Override
    public Integer call() {
        if (dryRun) {
            return plan(spec, recipe, out, only, sets);
        }
        return run(spec, recipe, out, only, sets);
    }

    /** The run directory: {@code --out}, else the recipe's {@code output}, else {@code ../runs/NAME} beside it. */
    private static Path runDir(Recipe r, Path recipeFile, Path out) {
        Path recipeDir = recipeFile.toAbsolutePath().getParent();
        Path runDir = out != null ? out
                : recipeDir.resolve(r.output() != null ? r.output() : "../runs/" + (r.name() == null ? "run" : r.name()))
                        .normalize();
        OutputDirs.refuseOverlap(runDir, java.util.Map.of("recipe", recipeFile));
        return runDir;
    }

    static int plan(CommandSpec spec, Path recipeFile, Path out, String only, List<String> sets) {
        PrintWriter o = spec.commandLine().getOut();
        Recipe r = RecipeLoader.load(recipeFile, sets);
        Path runDir = runDir(r, recipeFile, out);
        List<StageRunner.Planned> plan = new RunPipeline(new DefaultSteps((java.io.PrintStream) null), o)
                .plan(r, recipeFile.toAbsolutePath().getParent(), runDir, only);
        o.printf("plan for run directory %s%s:%n", runDir, java.nio.file.Files.isDirectory(runDir) ? "" : " (new)");
        int width = plan.stream().mapToInt(p -> p.name().length()).max().orElse(0);
        int reused = 0;
        for (StageRunner.Planned p : plan) {
            reused += p.status() == StageRunner.Status.REUSE ? 1 : 0;
            o.printf("  %-" + width + "s  %s%s%n", p.name(), p.status().word, p.changes().isEmpty() ? ""
                    : ": " + String.join(", ", p.changes().subList(0, Math.min(4, p.changes().size())))
                            + (p.changes().size() > 4 ? " and " + (p.changes().size() - 4) + " more" : ""));
        }
        o.printf("%d of %d stages up to date, %d would run; nothing was run or written (--dry-run)%n", reused, plan.size(),
                plan.size() - reused);
        o.flush();
        return 0;
    }

    static int run(CommandSpec spec, Path recipeFile, Path out, String only, List<String> sets) {
        PrintWriter o = spec.commandLine().getOut();
        Recipe r = RecipeLoader.load(recipeFile, sets);
        Path recipeDir = recipeFile.toAbsolutePath().getParent();
        Path runDir = runDir(r, recipeFile, out);
        long t0 = System.nanoTime();
        RunPipeline.Result res;
        boolean quiet;
        try (dev.unlearn.cli.Ui ui = dev.unlearn.cli.Ui.of(spec)) {
            quiet = ui.quiet();
            PrintWriter stages = quiet ? new PrintWriter(java.io.Writer.nullWriter()) : o; // -q: the results only
            res = new RunPipeline(new DefaultSteps(ui), stages).optTrainingProgress(ui::training).run(r, recipeDir, runDir, only);
        }
        if (res.reportHtml() != null) {
            if (!quiet) {
                o.println(); // below the stage lines
            }
            RunReport.print(o, res);
        }
        o.printf("run directory: %s (%.1f s)%n", runDir.toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
        o.flush();
        return 0;
    }
}

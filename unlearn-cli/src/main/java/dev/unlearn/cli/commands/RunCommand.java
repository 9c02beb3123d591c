package dev.unlearn.cli.commands;

import dev.unlearn.cli.BaseCommand;
import dev.unlearn.cli.pipeline.DefaultSteps;
import dev.unlearn.cli.pipeline.RunPipeline;
import dev.unlearn.cli.pipeline.RunReport;
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
            "naming the holder.",
            "",
            "Examples:",
            "  unlearn run recipes/demo.yaml",
            "  unlearn run recipes/all-methods.yaml --out runs/compare",
            "  unlearn run recipes/demo.yaml --only eval        # re-evaluate every model",
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


    @Override
    public Integer call() {
        return run(spec, recipe, out, only, sets);
    }

    static int run(CommandSpec spec, Path recipeFile, Path out, String only, List<String> sets) {
        PrintWriter o = spec.commandLine().getOut();
        Recipe r = RecipeLoader.load(recipeFile, sets);
        Path recipeDir = recipeFile.toAbsolutePath().getParent();
        Path runDir = out != null ? out
                : recipeDir.resolve(r.output() != null ? r.output() : "../runs/" + (r.name() == null ? "run" : r.name()))
                        .normalize();
        OutputDirs.refuseOverlap(runDir, java.util.Map.of("recipe", recipeFile));
        long t0 = System.nanoTime();
        RunPipeline.Result res;
        try (dev.unlearn.cli.Ui ui = dev.unlearn.cli.Ui.of(spec)) {
            res = new RunPipeline(new DefaultSteps(ui), o).optTrainingProgress(ui::training).run(r, recipeDir, runDir, only);
        }
        if (res.reportHtml() != null) {
            o.println();
            RunReport.print(o, res);
        }
        o.printf("run directory: %s (%.1f s)%n", runDir.toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
        o.flush();
        return 0;
    }
}

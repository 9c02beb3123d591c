package dev.unlearn.cli.commands;

import dev.unlearn.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unlearn demo}: the built-in recipe, {@code recipes/demo.yaml}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "The built-in demo: train, unlearn with every method, evaluate, report.",
        description = {
            "Runs recipes/demo.yaml: builds the fictitious-author world, trains a tiny Llama from scratch on all of it",
            "(full) and without the forget author (retain), runs GA, GradDiff, NPO, SimNPO, FLAT, SSD, RMU and PD(NPO)",
            "from the full model, evaluates every model (TOFU, MIA, CKA, refusal) and prints a leaderboard and the",
            "path of the HTML report. A second run with nothing changed reuses every stage.",
            "",
            "Example:",
            "  unlearn demo --out /tmp/demo"
        })
public class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/demo in the project).")
    Path out;


    @Override
    public Integer call() {
        Path recipe = locate();
        return RunCommand.run(spec, recipe, out, null, java.util.List.of());
    }

    /** {@code recipes/demo.yaml} under the project ({@code unlearn.home}, set by bin/unlearn) or the working directory. */
    static Path locate() {
        for (String base : new String[] {System.getProperty("unlearn.home"), System.getenv("UNLEARN_HOME"), "."}) {
            if (base != null) {
                Path p = Path.of(base, "recipes", "demo.yaml");
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new InvalidInputException("cannot find recipes/demo.yaml: run bin/unlearn from the project checkout,"
                + " or use 'unlearn run PATH/TO/demo.yaml'");
    }
}

package dev.unlearn.cli.commands;

import dev.unlearn.cli.CommandGroup;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.StagingDirs;
import dev.unlearn.core.synth.SynthWorld;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unlearn data}: dataset tools. */
@Command(name = "data", mixinStandardHelpOptions = true, header = "Dataset tools: the built-in fictitious-author world.",
        subcommands = DataCommand.Synth.class)
public class DataCommand extends CommandGroup {

    /** {@code unlearn data synth}. */
    @Command(name = "synth", mixinStandardHelpOptions = true,
            header = "Write the built-in TOFU-shaped world of fictitious authors, with a tokenizer.",
            description = {
                "Writes full, forget01/05/10, retain99/95/90, *_perturbed, world_facts(_perturbed),",
                "real_authors_perturbed (TOFU field and split names), tokenizer.json and world.json.",
                "With N authors, forgetXX holds the last max(1, round(N*XX/100)) authors. Same seed, same bytes.",
                "",
                "Example:",
                "  unlearn data synth --authors 10 --seed 0 --out data/world"
            })
    public static class Synth implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--authors", defaultValue = "10", paramLabel = "N", description = "Number of authors (2..200). Default: ${DEFAULT-VALUE}.")
        int authors;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (must be empty or absent).")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (authors < 2 || authors > SynthWorld.MAX_AUTHORS) {
                throw new InvalidInputException("--authors must lie in 2.." + SynthWorld.MAX_AUTHORS + ", found " + authors);
            }
            OutputDirs.refuseHereOrRoot(out, "--out", "the data folder is written beside it and renamed into place");
            if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(out,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidInputException("--out " + out + " is an existing file (or link); choose a new directory");
            }
            if (Files.isDirectory(out)) {
                try (var s = Files.list(out)) {
                    if (s.findAny().isPresent()) {
                        throw new InvalidInputException("--out " + out + " is not empty; choose a new directory");
                    }
                }
            }
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = StagingDirs.create(parent, "." + out.getFileName() + ".tmp-");
            SynthWorld.Content c;
            try {
                c = new SynthWorld(authors, seed).write(tmp);
                Files.deleteIfExists(out); // an empty directory (checked above)
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
                OutputDirs.removeStaleTemps(out);
            } finally {
                OutputDirs.deleteTree(tmp);
            }
            PrintWriter o = spec.commandLine().getOut();
            o.printf("wrote %d authors, %d author QA pairs, %d world facts to %s%n", c.authors().size(),
                    c.authorRows().size(), c.worldFacts().size(), out);
            return 0;
        }
    }
}

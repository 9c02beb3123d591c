package dev.unlearn.cli;

import dev.unlearn.cli.commands.ChatTemplateCommand;
import dev.unlearn.cli.commands.DataCommand;
import dev.unlearn.cli.commands.DemoCommand;
import dev.unlearn.cli.commands.RequestCommand;
import dev.unlearn.cli.commands.RunCommand;
import dev.unlearn.cli.commands.EvalCommand;
import dev.unlearn.cli.commands.FinetuneCommand;
import dev.unlearn.cli.commands.ForgetCommand;
import dev.unlearn.cli.commands.MethodsCommand;
import dev.unlearn.cli.commands.GenerateCommand;
import dev.unlearn.cli.commands.GuardCommand;
import dev.unlearn.cli.commands.ScoreCommand;
import dev.unlearn.cli.commands.WorstCaseCommand;
import picocli.CommandLine;
import dev.unlearn.cli.commands.CompletionCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The top-level {@code unlearn} command. Run bare it prints its usage to stderr and exits 2 (a
 * command is missing). It declares the {@link GlobalOptions} that every subcommand inherits.
 */
@Command(
        name = "unlearn",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "Machine unlearning for language models on the JVM.",
        description = {
            "Fine-tune, unlearn, evaluate and audit Hugging Face causal LM checkpoints (DJL + PyTorch, offline).",
            ""
        },
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {
            "Environment:",
            "  UNLEARN_JAVA_OPTS   bin/unlearn's JVM options (default -Xmx8g)",
            "  GOMP_SPINCOUNT      libtorch's OpenMP spin-wait (bin/unlearn sets 1000 unless given)",
            "  UNLEARN_MKL_AMD=1   bin/unlearn on an AMD CPU: let MKL use its AVX2/AVX-512 kernels (needs cc;",
            "                      changes float32 summation order, recorded in manifests; benchmarks/README.md)",
            "  UNLEARN_KEY_FILE    the deployment key of 'unlearn request' (or UNLEARN_KEY as hex)",
            "",
            "Start with: unlearn demo"
        },
        subcommands = {
            GenerateCommand.class,
            ScoreCommand.class,
            ChatTemplateCommand.class,
            DataCommand.class,
            FinetuneCommand.class,
            ForgetCommand.class,
            MethodsCommand.class,
            GuardCommand.class,
            WorstCaseCommand.class,
            EvalCommand.class,
            RunCommand.class,
            DemoCommand.class,
            dev.unlearn.cli.sweep.SweepCommand.class,
            RequestCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        })
public class UnlearnCommand extends CommandGroup {
    @Mixin
    GlobalOptions global;

    /** Whether stderr is a terminal (progress bars are redrawn in place); set by {@link Cli}. */
    boolean interactive;
}

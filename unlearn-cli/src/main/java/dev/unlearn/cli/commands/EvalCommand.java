package dev.unlearn.cli.commands;

import dev.unlearn.cli.CommandGroup;
import picocli.CommandLine.Command;

/** {@code unlearn eval}: groups the evaluation subcommands; prints usage when run bare. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        header = "Evaluate a model: TOFU logs and metrics, leaderboard aggregation, ROUGE.",
        commandListHeading = "%nCommands:%n",
        subcommands = {EvalTofuCommand.class, EvalTofuAggregateCommand.class, EvalRougeCommand.class, EvalLeakageCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  unlearn eval tofu --model runs/npo/model --data data/tofu --retain-model models/retain90 --out runs/npo/eval",
            "  unlearn eval tofu-aggregate --ckpt-result runs/npo/eval --retain-result runs/retain/eval",
            "  unlearn eval rouge --input pairs.jsonl"
        })
public class EvalCommand extends CommandGroup {
}

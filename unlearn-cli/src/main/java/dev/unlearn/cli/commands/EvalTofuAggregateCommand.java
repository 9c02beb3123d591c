package dev.unlearn.cli.commands;

import dev.unlearn.cli.BaseCommand;
import dev.unlearn.cli.StrictOption;
import dev.unlearn.eval.tofu.TofuAggregation;
import dev.unlearn.eval.tofu.TofuLogs;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code unlearn eval tofu-aggregate}: TOFU's {@code aggregate_eval_stat.py} on existing eval logs
 * (spec §2.8), printed as one JSON object.
 */
@Command(
        name = "tofu-aggregate",
        mixinStandardHelpOptions = true,
        header = "Aggregate TOFU eval logs into the leaderboard numbers (aggregate_eval_stat.py).",
        description = {
            "Each path is an eval_log_aggregated.json or a directory with the four per-task logs. Prints one JSON object",
            "with the script's keys in its order (ROUGE/Prob./Truth Ratio per task, Model Utility, Forget Quality) plus",
            "KS Test Forget and KS Test PVal Forget. Only the retain result's forget log is read."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  unlearn eval tofu-aggregate --ckpt-result runs/npo/eval --retain-result runs/retain90/eval",
            "  unlearn eval tofu-aggregate --ckpt-result ft/eval_log_aggregated.json \\",
            "      --retain-result retain/eval_log_aggregated.json --strict"
        })
public class EvalTofuAggregateCommand extends BaseCommand {
    @Option(names = "--ckpt-result", required = true, paramLabel = "PATH", description = "Logs of the model under test.")
    Path ckptResult;

    @Option(names = "--retain-result", required = true, paramLabel = "PATH", description = "Logs of the retain model.")
    Path retainResult;

    @Mixin
    StrictOption strict;

    @Override
    public Integer call() {
        result(EvalJson.line(TofuAggregation.aggregate(TofuLogs.read(ckptResult), TofuLogs.read(retainResult), strict.enabled)));
        return 0;
    }
}

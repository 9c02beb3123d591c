package dev.unlearn.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.cli.TrainingOptions;
import dev.unlearn.core.data.AttentionMasking;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** finetune and forget share one set of training options with the one table of defaults. */
class TrainingOptionsTest {
    @Test
    void helpShowsEveryKeyWithTheTablesDefault() {
        for (String cmd : new String[] {"forget", "finetune"}) {
            CliRun r = CliRun.of(cmd, "--help");
            assertEquals(0, r.code(), r.toString());
            String help = r.out().replaceAll("\\s+", " ");
            for (Map.Entry<String, Object> e : TrainSettings.DEFAULTS.toMap().entrySet()) {
                String opt = "--" + e.getKey().replace('_', '-');
                // the option list, after the synopsis; a flag (a boolean key) takes no value
                int at = help.lastIndexOf(opt + (e.getValue() instanceof Boolean ? " " : "="));
                assertTrue(at >= 0, cmd + " lacks " + opt + "\n" + r.out());
                int dflt = help.indexOf("Default: ", at);
                assertTrue(help.startsWith("Default: " + TrainingOptions.show(e.getValue()) + ".", dflt), cmd + " " + opt + ": "
                        + help.substring(dflt, Math.min(help.length(), dflt + 30)));
            }
        }
    }

    @Test
    void optionsBecomeTheSettings() {
        for (Object command : new Object[] {new ForgetCommand(), new FinetuneCommand()}) {
            CommandLine cl = new CommandLine(command);
            String[] required = command instanceof ForgetCommand ? new String[] {"--method", "npo", "--model", "m",
                "--forget", "f", "--out", "o"} : new String[] {"--model", "m", "--data", "d", "--out", "o"};
            cl.parseArgs(concat(required, "--grad-accum", "8", "--max-grad-norm", "0.5", "--attention-mask", "pad_token", "--lr", "2e-3",
                    "--schedule", "cosine", "--max-length", "64", "--max-batch-tokens", "256", "--grad-checkpointing"));
            TrainSettings s = command instanceof ForgetCommand f ? f.training.settings()
                    : ((FinetuneCommand) command).training.settings();
            assertEquals(TrainSettings.DEFAULTS.with(Map.of("grad_accum", 8, "max_grad_norm", 0.5, "lr", 2e-3,
                    "max_length", 64, "max_batch_tokens", 256)).withSchedule(Schedule.COSINE, 0)
                    .withAttentionMask(AttentionMasking.PAD_TOKEN).withGradCheckpointing(true), s);
            cl = new CommandLine(command instanceof ForgetCommand ? new ForgetCommand() : new FinetuneCommand());
            cl.parseArgs(required);
            Object c = cl.getCommand();
            TrainSettings off = c instanceof ForgetCommand f ? f.training.settings() : ((FinetuneCommand) c).training.settings();
            assertEquals(TrainSettings.DEFAULTS, off, "without the flag: off, the table's default");
        }
    }

    @Test
    void badValuesAndIgnoredKeysAreBadInput(@TempDir Path tmp) {
        String[] base = {"forget", "--model", tmp.resolve("m").toString(), "--forget", tmp.resolve("f.json").toString(),
            "--out", tmp.resolve("o").toString()};
        CliRun r = CliRun.of(concat(base, "--method", "npo", "--grad-accum", "0"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("--grad-accum"), r.toString());
        r = CliRun.of(concat(base, "--method", "npo", "--attention-mask", "eos"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("--attention-mask") && r.err().contains("pad_token"), r.toString());
        r = CliRun.of(concat(base, "--method", "ssd", "--lr", "1e-3", "--epochs", "2"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("[--lr, --epochs]") && r.err().contains("directly"), r.toString());
        r = CliRun.of(concat(base, "--method", "ssd", "--grad-checkpointing"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("--grad-checkpointing") && r.err().contains("directly"), r.toString());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

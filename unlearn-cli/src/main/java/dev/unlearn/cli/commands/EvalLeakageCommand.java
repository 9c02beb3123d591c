package dev.unlearn.cli.commands;

import dev.unlearn.cli.ModelCommand;
import dev.unlearn.cli.SeedOption;
import dev.unlearn.cli.pipeline.LeakageStep;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.eval.leakage.LeakageConfig;
import dev.unlearn.eval.leakage.LeakageItem;
import dev.unlearn.eval.model.EvalData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code unlearn eval leakage}: the leakage attacks on a model and on the retain model. */
@Command(
        name = "leakage",
        mixinStandardHelpOptions = true,
        header = "Leakage attacks (relearning, int8/int4 quantisation, paraphrase, multiple choice, few-shot, logit lens, prefixes).",
        description = {
            "Runs every attack on --model and on --retain-model over the same forget questions and prints, per attack, the",
            "recovered-knowledge score of both and their difference; 'leak' is the worst difference. Scores are answer",
            "probabilities (geometric mean per token) except multiple choice (accuracy) and logit lens (first-token probability",
            "at the best layer). Data: a TOFU-layout folder (forgetXX_perturbed.json, retain_perturbed.json) or a MUSE-layout",
            "folder (knowmem/forget_qa.json; few-shot rows from knowmem/retain_qa_icl.json or retain_qa.json)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  unlearn eval leakage --model runs/demo/unlearn/npo/model --retain-model runs/demo/finetune-retain/model \\",
            "      --data runs/demo/data --relearn-lr 2e-3 --out /tmp/leak",
            "  unlearn eval leakage --model runs/muse-demo/unlearn/ga/model --retain-model runs/muse-demo/finetune-retain/model \\",
            "      --data runs/muse-demo/data --relearn-lr 2e-3"
        })
public class EvalLeakageCommand extends ModelCommand {
    @Option(names = "--retain-model", required = true, paramLabel = "DIR", description = "Retain model, attacked the same way.")
    Path retainModel;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "TOFU-layout or MUSE-layout data folder.")
    Path data;

    @Option(names = "--forget-split", defaultValue = "forget10", paramLabel = "NAME", description = "TOFU forget split. Default: ${DEFAULT-VALUE}.")
    String forgetSplit;

    /** The same default as every other command that formats QA records (auto: the model's chat template, else plain). */
    @Mixin
    dev.unlearn.cli.TemplateOption template;

    @Option(names = "--relearn-steps", defaultValue = "10", paramLabel = "N", description = "Relearning steps. Default: ${DEFAULT-VALUE}.")
    int relearnSteps;

    @Option(names = "--relearn-lr", defaultValue = "1e-5", paramLabel = "LR",
            description = "Relearning learning rate (tiny CPU models: about 1e-3). Default: ${DEFAULT-VALUE}.")
    double relearnLr;

    @Option(names = "--max-new-tokens", defaultValue = "32", paramLabel = "N", description = "Greedy budget of the ROUGE answers. Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Mixin
    SeedOption seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write leakage.json and leakage.txt into this results folder: new, empty, or this command's"
                    + " earlier results (replaced whole).")
    Path out;

    @Override
    public Integer call() throws IOException {
        EvalData.requireSplitName("--forget-split", forgetSplit);
        ai.djl.Device device = dev.unlearn.core.Engines.device(common.device); // before anything is read or written
        OutputDirs.Results results = out == null ? null : OutputDirs.results(out, "eval leakage", OutputDirs.inputs(
                "--model", model.dir, "--retain-model", retainModel, "--data", data, "--template", template.file()));
        List<QaRecord> forget;
        List<QaRecord> shots;
        if (Files.isRegularFile(data.resolve("knowmem/forget_qa.json"))) {
            Options.refuseIgnored(spec, "to TOFU-layout data only", "--data " + data + " is a MUSE-layout folder"
                    + " (knowmem/forget_qa.json)", "--forget-split");
            forget = QaReader.read(data.resolve("knowmem/forget_qa.json"));
            Path icl = data.resolve("knowmem/retain_qa_icl.json");
            shots = QaReader.read(Files.isRegularFile(icl) ? icl : data.resolve("knowmem/retain_qa.json"));
        } else if (Files.isRegularFile(data.resolve(forgetSplit + "_perturbed.json"))) {
            forget = QaReader.read(data.resolve(forgetSplit + "_perturbed.json"));
            Path r = data.resolve("retain_perturbed.json");
            shots = Files.isRegularFile(r) ? QaReader.read(r) : List.of();
        } else {
            throw new InvalidInputException("--data " + data + " holds neither knowmem/forget_qa.json (MUSE) nor "
                    + forgetSplit + "_perturbed.json (TOFU)");
        }
        LeakageConfig cfg;
        try {
            cfg = LeakageConfig.defaults().withRelearn(relearnSteps, relearnLr).withMaxNewTokens(maxNewTokens).withSeed(seed.value);
        } catch (InvalidInputException ex) {
            throw dev.unlearn.cli.OptionKeys.asOption(ex, spec); // --relearn-steps, not "leakage relearn_steps"
        }
        long t0 = System.nanoTime();
        OutputDirs.Results.Writer attack = dir -> LeakageStep.run(model.dir, retainModel, template.resolve(model.dir),
                LeakageItem.of(forget), LeakageItem.of(shots), cfg, device, dir);
        String report;
        if (results != null) {
            report = Files.readString(results.publish(attack).resolve("leakage.txt"));
        } else {
            Path dir = Files.createTempDirectory("leakage"); // without --out: printed, then removed
            try {
                attack.write(dir);
                report = Files.readString(dir.resolve("leakage.txt"));
            } finally {
                OutputDirs.deleteTree(dir);
            }
        }
        PrintWriter w = out();
        w.print(report);
        w.printf("wall time %.1f s (model and retain model)%n", (System.nanoTime() - t0) / 1e9);
        w.flush();
        return 0;
    }
}

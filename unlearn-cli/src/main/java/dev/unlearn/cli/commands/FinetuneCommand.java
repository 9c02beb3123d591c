package dev.unlearn.cli.commands;

import dev.unlearn.cli.TemplateOption;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.DeviceCommand;
import dev.unlearn.cli.SeedOption;
import dev.unlearn.cli.TrainingOptions;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.FineTune;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.train.TrainingConfig;
import dev.unlearn.core.train.TrainingLoop;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code unlearn finetune}: supervised fine-tuning on QA answers, from a checkpoint or from scratch. */
@Command(name = "finetune", mixinStandardHelpOptions = true, defaultValueProvider = TrainingOptions.Defaults.class,
        header = "Fine-tune a model on QA pairs (answer tokens only), from a checkpoint or from scratch.",
        description = {
            "Trains on the answer tokens of every record (pooled token-mean NLL, AdamW, warm-up then decay,",
            "clipping); the training options and their defaults are those of 'forget' and of a recipe's",
            "finetune section (one table, recipes/README.md). Trainer state is checkpointed every --checkpoint-every",
            "steps beside --out; --resume continues from it and ends with the same weights as an uninterrupted run.",
            "The output is a Hugging Face directory (config.json, model.safetensors, tokenizer files, manifest.json),",
            "written atomically; a JSONL training log is written to OUT/train-log.jsonl.",
            "",
            "Examples:",
            "  unlearn data synth --authors 10 --out world",
            "  unlearn finetune --init init.json --tokenizer world --data world/full.json --data world/world_facts.json \\",
            "      --epochs 40 --lr 3e-3 --out models/full",
            "  unlearn finetune --model models/full --data more.json --epochs 2 --lr 1e-4 --out models/full2"
        })
public class FinetuneCommand extends DeviceCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Start start;

    static class Start {
        @Option(names = "--model", paramLabel = "DIR", description = "Start from this Hugging Face checkpoint.")
        Path model;

        @Option(names = "--init", paramLabel = "CONFIG.json",
                completionCandidates = dev.unlearn.cli.Candidates.ModelTypes.class,
                description = "Train from scratch: a Hugging Face config.json whose model_type is one of ${COMPLETION-CANDIDATES};"
                        + " vocab_size must match the tokenizer.")
        Path init;
    }

    @Option(names = "--tokenizer", paramLabel = "DIR",
            description = "Directory with tokenizer.json (default: the --model directory, or the first --data file's folder).")
    Path tokenizer;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "QA file(s), TOFU JSON or JSONL; repeatable.")
    List<Path> data;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output model directory: new or empty, or with --overwrite a checkpoint unlearn saved; never one holding"
                    + " or inside an input.")
    Path out;

    /** Beside --out: replacing a trained model is asked for. */
    @Mixin
    dev.unlearn.cli.OverwriteOption overwrite;

    @Mixin TrainingOptions training;

    @Mixin
    SeedOption seed;

    @Mixin
    TemplateOption template;

    @Option(names = "--checkpoint-every", defaultValue = "200", paramLabel = "N", description = "Trainer-state checkpoint interval in steps. Default: ${DEFAULT-VALUE}.")
    long checkpointEvery;

    @Option(names = "--resume", description = "Resume from the trainer state left beside --out by an interrupted run.")
    boolean resume;

    @Mixin
    dev.unlearn.cli.StoreDtype saveDtype;

    @Override
    public Integer call() throws Exception {
        TrainSettings settings = training.settings();
        Engines.pytorch();
        PrintWriter o = out();
        java.util.Map<String, Path> inputs = OutputDirs.inputs("--model", start.model, "--init", start.init, "--tokenizer", tokenizer);
        for (int i = 0; i < data.size(); i++) {
            inputs.put("--data", data.get(i));
            OutputDirs.refuseOverlap(out, inputs);
        }
        overwrite.check(out);
        if (start.init != null) {
            ModelDirs.checkInit(start.init);
        } else {
            ModelDirs.check(start.model);
        }
        training.settings(); // every training option checked here, before any work
        Options.positive("--checkpoint-every", checkpointEvery);
        Path tokDir = tokenizer != null ? tokenizer : start.model != null ? start.model : data.get(0).toAbsolutePath().getParent();
        inputs.put("--tokenizer", tokDir);
        OutputDirs.refuseOverlap(out, inputs);
        if (!Files.isRegularFile(tokDir.resolve("tokenizer.json"))) {
            throw new InvalidInputException("no tokenizer.json in " + tokDir + "; pass --tokenizer DIR");
        }
        DataType store = saveDtype.dataType();
        Path stateDir = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".train-state");
        // the trainer state beside --out is a folder of the toolkit's own (marked), never a user's of that name
        OutputDirs.checkClaim(stateDir, "the trainer-state folder of --out", OutputDirs.Kind.TRAIN_STATE);
        List<QaRecord> rows = new ArrayList<>();
        for (Path d : data) {
            rows.addAll(QaReader.read(d));
        }
        boolean hasState = resume && dev.unlearn.core.train.TrainerState.readHeader(stateDir) != null;
        if (!resume) {
            OutputDirs.deleteTree(stateDir);
        }
        OutputDirs.claim(stateDir, "the trainer-state folder of --out", OutputDirs.Kind.TRAIN_STATE);
        try (dev.unlearn.cli.Ui ui = dev.unlearn.cli.Ui.of(spec); TextTokenizer tok = TextTokenizer.load(tokDir);
                NDManager m = NDManager.newBaseManager(Engines.device(common.device))) {
            QaTokenization.Result tr = new QaTokenization(tok, template.resolve(tokDir),
                    settings.maxLength(), settings.attentionMask()).tokenizeAll(rows);
            List<TokenizedExample> ex = tr.examples();
            if (resume && !hasState) {
                ui.info("--resume: no trainer state in %s; training from the first step", stateDir);
            }
            if (!tr.skipped().isEmpty()) {
                ui.info("skipped %d records with no answer tokens left", tr.skipped().size());
            }
            CausalLm lm;
            if (start.init != null) {
                ModelConfig cfg = ModelConfig.read(start.init);
                if (cfg.vocabSize() != tok.vocabSize()) {
                    throw new InvalidInputException(start.init + ": vocab_size " + cfg.vocabSize()
                            + " does not match the tokenizer's " + tok.vocabSize() + " (" + tokDir.resolve("tokenizer.json") + ")");
                }
                lm = CausalLm.random(cfg, m, m.getDevice(), seed.value);
            } else {
                lm = ModelDirs.load(start.model, m, false);
            }
            try (lm) {
                TrainingConfig.Builder b = settings.toConfig(seed.value).optCheckpointDir(stateDir)
                        .optCheckpointEvery(checkpointEvery).optResume(resume)
                        .optLogFile(stateDir.resolve("train-log.jsonl"));
                long t0 = System.nanoTime();
                TrainingLoop.Result r = FineTune.run(lm, ex, settings.batchSize(), settings.maxBatchTokens(), tok.padId(),
                        b.build(), ui.training("finetune"));
                ui.close();
                double secs = (System.nanoTime() - t0) / 1e9;
                double acc = FineTune.answerTokenAccuracy(lm, ex, tok.padId());
                Checkpoint.save(lm, out, tokDir, store);
                OutputDirs.removeStaleTemps(out);
                // each file beside the saved checkpoint appears whole (temp, then rename)
                Path log = Files.createTempFile(out, ".train-log-", ".tmp");
                Files.copy(stateDir.resolve("train-log.jsonl"), log, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.move(log, out.resolve("train-log.jsonl"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                ObjectNode s = new ObjectMapper().createObjectNode();
                s.put("examples", ex.size());
                s.put("steps", r.steps());
                s.put("skipped_steps", r.skippedSteps());
                s.put("resumed_from", r.resumedFrom());
                s.put("final_loss", r.lastLoss());
                s.put("answer_token_accuracy", acc);
                s.put("wall_seconds", secs);
                dev.unlearn.core.data.QaWriter.writeAtomically(out.resolve("finetune.json"),
                        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s) + "\n");
                OutputDirs.deleteTree(stateDir);
                o.printf("fine-tuned %d examples, %d steps in %.1f s; final loss %.4f; answer-token accuracy %.3f; saved %s%n",
                        ex.size(), r.steps(), secs, r.lastLoss(), acc, out);
            }
        }
        return 0;
    }
}

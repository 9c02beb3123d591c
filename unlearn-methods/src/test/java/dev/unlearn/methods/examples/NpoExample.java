package dev.unlearn.methods.examples;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.methods.run.MethodRunner;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.methods.run.RunSummary;
import java.nio.file.Path;
import java.util.List;

/** The library in fifteen lines: load a checkpoint, unlearn a forget set with NPO, save the result. */
public final class NpoExample {
    private NpoExample() {}

    /** Runs NPO on {@code modelDir} (tokenizer files inside it) and saves the unlearned model to {@code outDir}. */
    public static RunSummary run(Path modelDir, Path forgetFile, Path retainFile, Path outDir) {
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm lm = Checkpoint.load(modelDir, manager);
                TextTokenizer tokenizer = TextTokenizer.load(modelDir)) {
            RunSummary summary = MethodRunner.builder()
                    .setModel(lm).setTokenizer(tokenizer)
                    .setForget(QaReader.read(forgetFile)).optRetain(QaReader.read(retainFile))
                    .optReference(() -> lm.copy(manager))               // frozen π_ref, released after NPO's cache
                    .setMethod("npo").optOverrides(List.of("beta=0.1"))
                    .setSettings(TrainSettings.of(2e-3).withEpochs(1).withBatchSize(4))
                    .build().run();
            Checkpoint.save(lm, outDir, modelDir, DataType.FLOAT32);
            return summary;
        }
    }
}

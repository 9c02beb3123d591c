package dev.unlearn.core.train;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.GcProbe;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.text.TextTokenizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fine-tuning's gradients are bit-identical with and without a GC between forward and backward. */
class GcBetweenForwardAndBackwardTest {
    private static Map<Long, Map<String, float[]>> finetune(boolean gc) {
        TinyWorld.Paths3 w = TinyWorld.get();
        List<TokenizedExample> ex = TinyWorld.examples(w.data(), "forget10.json");
        long pad;
        try (TextTokenizer t = TextTokenizer.load(w.data())) {
            pad = t.padId();
        }
        try (NDManager m = NDManager.newBaseManager(); CausalLm lm = Checkpoint.load(w.retain(), m)) {
            TrainingConfig cfg = TrainingConfig.builder().setLearningRate(1e-3).optMaxSteps(3).optGradientAccumulation(2).build();
            GcProbe.GradientRecorder rec = new GcProbe.GradientRecorder();
            if (gc) {
                GcProbe.withGcBeforeBackward(() -> FineTune.run(lm, ex, 4, pad, cfg, rec));
            } else {
                FineTune.run(lm, ex, 4, pad, cfg, rec);
            }
            return rec.steps;
        }
    }

    @Test
    void finetuneGradientsSurviveAGc() {
        GcProbe.assertBitIdentical("finetune", finetune(false), finetune(true));
    }
}

package dev.unlearn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import org.junit.jupiter.api.Test;

/** The benchmark's training step learns and keeps a flat live-array count (a tiny model, seconds). */
class TrainStepTest {
    @Test
    void lossFallsAndMemoryStaysFlat() {
        Engines.pytorch();
        ModelConfig cfg = ModelConfig.llama(32, 2, 4, 2, 48, 64);
        try (NDManager root = NDManager.newBaseManager();
                CausalLm lm = CausalLm.random(cfg, root, Device.cpu(), 1);
                TrainStep train = new TrainStep(lm, 3e-3f)) {
            Batch batch = ModelBenchmark.batch(2, 16, cfg.vocabSize(), 2);
            float first = train.step(batch);
            int live = train.liveArrays();
            float last = first;
            for (int i = 0; i < 50; i++) {
                last = train.step(batch);
                assertEquals(live, train.liveArrays(), "live arrays grew at step " + i);
            }
            assertTrue(first > 4.0f && last < first * 0.8f, "loss should fall: " + first + " -> " + last);
        }
    }
}

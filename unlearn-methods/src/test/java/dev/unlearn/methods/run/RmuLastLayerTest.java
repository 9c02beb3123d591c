package dev.unlearn.methods.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.GcProbe;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, point 4: RMU at the last layer (the default layer min(7, L−1) is the last one for every
 * model of 8 layers or fewer, the tiny world's included) reads the raw decoder output, so the final norm
 * and the LM head take no part in the loss and get exactly zero gradient.
 */
class RmuLastLayerTest {
    @Test
    void finalNormGetsNoGradientFromRmuAtTheLastLayer() {
        TinyWorld.Paths3 w = TinyWorld.get();
        List<QaRecord> forget = QaReader.read(w.data().resolve("forget10.json"));
        List<QaRecord> retain = QaReader.read(w.data().resolve("retain90.json"));
        try (TextTokenizer tok = TextTokenizer.load(w.data()); NDManager m = NDManager.newBaseManager();
                CausalLm lm = Checkpoint.load(w.full(), m)) {
            int last = lm.config().numHiddenLayers() - 1;
            assertTrue(last < 7, "the tiny world must be shallow enough for the default layer to be the last");
            GcProbe.GradientRecorder rec = new GcProbe.GradientRecorder();
            MethodRunner.builder().setModel(lm).setTokenizer(tok).setForget(forget).optRetain(retain)
                    .optReference(() -> lm.copy(m)).setMethod("rmu")
                    .setSettings(TrainSettings.of(1e-3).withBatchSize(4).withMaxSteps(2).withSchedule(Schedule.CONSTANT, 0)
                            .withMaxLength(64))
                    .addListener(rec).build().run();
            assertEquals(2, rec.steps.size());
            for (Map<String, float[]> g : rec.steps.values()) {
                float[] norm = g.get("model.norm.weight");
                if (norm != null) {
                    for (float v : norm) {
                        assertEquals(0f, v, 0f, "model.norm.weight must get no gradient from RMU");
                    }
                }
                float[] head = g.get("lm_head.weight");
                if (head != null) {
                    for (float v : head) {
                        assertEquals(0f, v, 0f, "lm_head.weight must get no gradient from RMU");
                    }
                }
                float[] down = g.get("model.layers." + last + ".mlp.down_proj.weight");
                assertTrue(down != null && anyNonZero(down), "the last layer itself is trained");
            }
            assertTrue(rec.steps.get(1L).containsKey("model.norm.weight"), "norm is among the trainable parameters");
        }
    }

    private static boolean anyNonZero(float[] a) {
        for (float v : a) {
            if (v != 0f) {
                return true;
            }
        }
        return false;
    }
}

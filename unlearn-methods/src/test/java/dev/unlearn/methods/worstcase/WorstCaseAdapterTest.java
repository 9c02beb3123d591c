package dev.unlearn.methods.worstcase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LoraAdapters;
import dev.unlearn.core.model.LoraConfig;
import dev.unlearn.core.testing.TinyWorld;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worst-case lower level in adapter mode: sign-SGD moves only the LoRA A and B, the frozen base is
 * unchanged bit for bit, and closing restores the adapters' θ_0.
 */
class WorstCaseAdapterTest {
    @Test
    void lowerLevelTrainsOnlyTheAdaptersAndRestoresThem() {
        Engines.pytorch();
        TinyWorld.Paths3 tw = TinyWorld.get();
        List<TokenizedExample> pool = WorstCaseOnModelTest.pool(tw, 2, null);
        try (NDManager m = NDManager.newBaseManager(); CausalLm lm = Checkpoint.load(tw.full(), m)) {
            Map<String, float[]> base = new HashMap<>();
            lm.parameters().forEach((k, v) -> base.put(k, v.toFloatArray()));
            LoraAdapters a = lm.attachAdapters(new LoraConfig(4, 8, 0, List.of("all"), false), 1);
            Map<String, float[]> theta0 = new HashMap<>();
            a.parameters().forEach((k, v) -> theta0.put(k, v.toFloatArray()));
            double[] weights = new double[pool.size()];
            java.util.Arrays.fill(weights, 1.0);
            double before;
            double after;
            try (WorstCaseProblem p = WorstCaseProblem.open(lm, pool, null, "npo",
                    dev.unlearn.methods.spi.Methods.byName("npo").bind(Map.of()), new ModelLowerLevel.Settings(5e-3, 1, 8), 1)) {
                ModelLowerLevel lower = p.lowerLevel();
                before = mean(lower.scoreNllMean());
                after = mean(lower.unlearnAndScore(weights));
                for (Map.Entry<String, NDArray> e : lm.parameters().entrySet()) {
                    assertArrayEquals(base.get(e.getKey()), e.getValue().toFloatArray(), "base moved: " + e.getKey());
                    assertFalse(e.getValue().hasGradient(), "base weight has a gradient: " + e.getKey());
                }
            }
            // one sign-SGD step from B = 0 on a pool the model knows well: measured over adapter seeds 1-5 on the
            // v4 tiny world, the pool NLL rose from 0.0052 to 0.0112-0.0316 (2.1x-6.0x); 1.5x leaves a margin below
            // the lowest, and a step that did nothing (or descended) gives at most 1x
            assertTrue(after > 1.5 * before, "sign-SGD on the adapters unlearns the pool: " + before + " -> " + after);
            a.parameters().forEach((k, v) -> assertArrayEquals(theta0.get(k), v.toFloatArray(), "adapter θ_0 restored: " + k));
            for (Map.Entry<String, NDArray> e : lm.parameters().entrySet()) {
                assertArrayEquals(base.get(e.getKey()), e.getValue().toFloatArray(), "base after close: " + e.getKey());
            }
            assertEquals(a, lm.adapters());
        }
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }
}

package dev.unlearn.methods.worstcase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.unlearn.core.Engines;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterSnapshotTest {
    @Test
    void restoresInPlaceAfterSignSteps() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1f, -2f, 0.5f});
            p.setRequiresGradient(true);
            Map<String, NDArray> params = Map.of("p", p);
            try (ParameterSnapshot snap = ParameterSnapshot.of(params)) {
                for (int i = 0; i < 3; i++) {
                    try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(p.mul(s.create(new float[] {3, -1, 2})).sum());
                    }
                    SignSgd.step(params, 0.25);
                    try (NDManager z = m.newSubManager()) {
                        SignSgd.zeroGradients(params, z);
                    }
                }
                assertArrayEquals(new float[] {0.25f, -1.25f, -0.25f}, p.toFloatArray());
                int live = m.getManagedArrays().size();
                snap.restore();
                assertArrayEquals(new float[] {1f, -2f, 0.5f}, p.toFloatArray(), "θ_0 restored in place");
                assertEquals(live, m.getManagedArrays().size(), "restore allocates nothing that stays");
                assertEquals(true, p.hasGradient());
            }
        }
    }
}

package dev.unlearn.methods.worstcase;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.unlearn.core.Engines;
import dev.unlearn.methods.testing.Nd;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignSgdTest {
    @Test
    void stepsBySignOfGradient() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new double[] {1.0, -2.0, 0.5});
            p.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // d/dp of (3p0 − p1² + 0·p2) = [3, −2p1 = 4, 0]
                gc.backward(p.mul(m.create(new double[] {3, 0, 0})).sum().sub(p.get(1).square()));
            }
            SignSgd.step(Map.of("p", p), 0.1);
            Nd.close(new double[] {0.9, -2.1, 0.5}, p.toDoubleArray(), "θ − η·sign(g)");
            assertTrue(p.hasGradient());
        }
    }
}

package dev.unlearn.methods.satimp;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.Engines;
import dev.unlearn.methods.testing.Nd;
import dev.unlearn.methods.testing.ParityBatch;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/methods-parity.md test vector P5. */
class SatImpTest {
    @Test
    void p5Vectors() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            ParityBatch.assertVector("satimp", Map.of(), 2.039470128510682, m);
            ParityBatch.assertVector("satimp", Map.of("gamma", 1, "alpha", 0), -0.0051152019156892985, m);
            var s = ParityBatch.step(ParityBatch.lossMethod("satimp", Map.of()), DataType.FLOAT64, m);
            Nd.close(2.039981648702251, s.termValues().get("retain"), "P0 retain");
        }
    }
}

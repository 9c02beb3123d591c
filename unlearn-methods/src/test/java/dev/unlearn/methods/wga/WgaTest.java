package dev.unlearn.methods.wga;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.methods.testing.ParityBatch;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/methods-parity.md test vector P6. */
class WgaTest {
    @Test
    void p6Vectors() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            ParityBatch.assertVector("wga", Map.of(), 1.7319653434708655, m);
            ParityBatch.assertVector("wga", Map.of("alpha", 0), -0.30801630523138557, m);
            ParityBatch.assertVector("wga", Map.of("beta", 0, "alpha", 0), -1.3625624157722438, m);
        }
    }
}

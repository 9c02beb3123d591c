package dev.unlearn.methods.undial;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.methods.testing.ParityBatch;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/methods-parity.md test vector P3. */
class UndialTest {
    @Test
    void p3Vectors() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            ParityBatch.assertVector("undial", Map.of(), 1.858880560496234, m);
            ParityBatch.assertVector("undial", Map.of("positions", "answer"), 1.828737721739914, m);
            ParityBatch.assertVector("undial", Map.of("beta", 0), 1.8622688359894854, m);
            ParityBatch.assertVector("undial", Map.of("alpha", 1), 3.898862209198485, m);
        }
    }
}

package dev.unlearn.methods.idknll;

import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.testing.ParityBatch;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/methods-parity.md test vector P2. */
class IdkNllTest {
    @Test
    void p2Vectors() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            ParityBatch.assertVector("idknll", Map.of(), 1.7300607174894438, m);
            ParityBatch.assertVector("idknll", Map.of("pooling", "separate"), 3.5634284120498236, m);
            ParityBatch.assertVector("idknll", Map.of("alpha", 0), 1.5234467633475726, m);
        }
        assertFalse(((IdkNllConfig) Methods.byName("idknll").bind(Map.of("alpha", 0))).needsRetain());
    }
}

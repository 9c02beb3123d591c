package dev.unlearn.methods.ceu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.Engines;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.testing.ParityBatch;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/methods-parity.md test vector P4. */
class CeuTest {
    @Test
    void p4Vectors() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            ParityBatch.assertVector("ceu", Map.of(), 1.2787753913941966, m);
            ParityBatch.assertVector("ceu", Map.of("ignore_first_n_answer_tokens", 0), 1.3489866730905358, m);
            // every target skipped: loss 0, not NaN
            var s = ParityBatch.lossMethod("ceu", Map.of("ignore_first_n_answer_tokens", 9)).loss(
                    ParityBatch.policy(DataType.FLOAT64), null, new StepBatches(ParityBatch.FORGET, null, null, null), m);
            assertEquals(0.0, s.total().getDouble());
        }
    }
}

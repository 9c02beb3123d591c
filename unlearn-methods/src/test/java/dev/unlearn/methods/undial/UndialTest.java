package dev.unlearn.methods.undial;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.Engines;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.testing.Nd;
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
            // V = 101: OU's label −100 lowers token 1 (= V − 100) at masked positions; reference_quirks reproduces it
            for (Object[] r : new Object[][] {{false, 5.029510321774362}, {true, 5.028733259482189}}) {
                LossMethod l = ParityBatch.lossMethod("undial", Map.of("reference_quirks", r[0]));
                StepLoss s = l.loss(ParityBatch.forward(0, DataType.FLOAT64, 101), ParityBatch.forward(4, DataType.FLOAT64, 101),
                        new StepBatches(ParityBatch.FORGET, null, null, null), m);
                Nd.close((double) r[1], Nd.scalar(s.total()), 1e-12, 1e-15, "P3 V=101 quirks " + r[0]);
            }
        }
    }
}

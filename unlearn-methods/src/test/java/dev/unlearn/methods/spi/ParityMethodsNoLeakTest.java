package dev.unlearn.methods.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.Engines;
import dev.unlearn.methods.testing.ParityBatch;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parity methods (issue 21) in float32: the total stays float32 and finite, and 50 steps leak no array. */
class ParityMethodsNoLeakTest {
    @Test
    void float32StaysFloat32AndStepsDoNotLeak() {
        Engines.pytorch();
        Map<String, Map<String, ?>> cfgs = Map.of("dpo", Map.of("templates", "x"),
                "pdu", Map.of("retain_loss_eps", 0.5, "dual_warmup_epochs", 0),
                "undial", Map.of("alpha", 1, "retain_loss_type", "KL"));
        try (NDManager root = NDManager.newBaseManager()) {
            for (String method : List.of("dpo", "idkdpo", "idknll", "undial", "ceu", "satimp", "wga", "pdu")) {
                LossMethod l = ParityBatch.lossMethod(method, cfgs.getOrDefault(method, Map.of()));
                int before = root.getManagedArrays().size();
                for (int step = 0; step < 50; step++) {
                    try (NDManager m = root.newSubManager()) {
                        StepLoss s = ParityBatch.step(l, DataType.FLOAT32, m);
                        assertEquals(DataType.FLOAT32, s.total().getDataType(), method);
                        assertTrue(Double.isFinite(s.total().getFloat()), method);
                        s.termValues();
                    }
                }
                assertEquals(before, root.getManagedArrays().size(), method + ": live arrays after 50 steps");
            }
        }
    }
}

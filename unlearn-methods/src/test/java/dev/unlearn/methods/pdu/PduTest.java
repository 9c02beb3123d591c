package dev.unlearn.methods.pdu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.testing.Nd;
import dev.unlearn.methods.testing.ParityBatch;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/methods-parity.md test vector P7: the loss and three dual steps. */
class PduTest {
    @Test
    void p7LossAndDualSteps() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Object> cfg = Map.of("retain_loss_eps", 0.5, "dual_warmup_epochs", 0);
            ParityBatch.assertVector("pdu", cfg, 2.3532628987022512, m);
            LossMethod l = ParityBatch.lossMethod("pdu", cfg);
            double[] losses = {2.3532628987022512, 4.724806377041954, 7.096349855381658};
            double[] lambdas = {1.0, 2.539981648702251, 4.079963297404502};
            for (int k = 0; k < 3; k++) {
                var s = ParityBatch.step(l, DataType.FLOAT64, m);
                Nd.close(lambdas[k], s.termValues().get("lambda"), "P7 λ step " + k);
                Nd.close(losses[k], Nd.scalar(s.total()), "P7 L step " + k);
                Nd.close(0.81328125, s.termValues().get("flatten"), "P7 L_forget");
            }
            Nd.close(5.619944946106753, ((PrimalDualLoss) l).lambda(), "P7 λ after 3 steps");
            // within the warm-up (default 5 epochs) λ stays at alpha
            LossMethod w = ParityBatch.lossMethod("pdu", Map.of("retain_loss_eps", 0.5));
            ParityBatch.step(w, DataType.FLOAT64, m);
            Nd.close(1.0, ((PrimalDualLoss) w).lambda(), "λ during warm-up");
        }
    }

    @Test
    void epsIsRequired() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ParityBatch.lossMethod("pdu", Map.of()));
        assertTrue(e.getMessage().contains("retain_loss_eps"), e.getMessage());
    }
}

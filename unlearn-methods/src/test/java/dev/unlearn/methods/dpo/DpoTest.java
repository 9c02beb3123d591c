package dev.unlearn.methods.dpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.testing.Nd;
import dev.unlearn.methods.testing.ParityBatch;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/methods-parity.md test vector P1 (dpo, idkdpo). */
class DpoTest {
    @Test
    void p1Vectors() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            ParityBatch.assertVector("idkdpo", Map.of(), 17.372160131197706, m);
            ParityBatch.assertVector("dpo", Map.of("templates", "answers.txt"), 17.372160131197706, m);
            ParityBatch.assertVector("idkdpo", Map.of("beta", 1.0, "alpha", 0), 3.5051147695631433, m);
            var s = ParityBatch.step(ParityBatch.lossMethod("idkdpo", Map.of()), DataType.FLOAT64, m);
            Nd.close(15.332178482495454, s.termValues().get("preference"), "P1 L_forget");
            Nd.close(2.039981648702251, s.termValues().get("retain"), "P0 retain NLL_pool");
        }
    }

    @Test
    void startsAtTwoOverBetaLog2WhenPolicyIsTheReference() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            var p = ParityBatch.policy(DataType.FLOAT64);
            var s = ParityBatch.lossMethod("idkdpo", Map.of("alpha", 0)).loss(p, p,
                    new StepBatches(ParityBatch.FORGET, null, ParityBatch.TEMPLATES, null), m);
            Nd.close(20 * Math.log(2), Nd.scalar(s.total()), "(2/β) log 2");
        }
    }

    @Test
    void defaultsAndKeys() {
        DpoConfig idk = (DpoConfig) Methods.byName("idkdpo").defaults();
        assertEquals(0.1, idk.beta());
        assertEquals("refusals.txt", idk.templates());
        DpoConfig dpo = (DpoConfig) Methods.byName("dpo").defaults();
        assertEquals(null, dpo.templates());
        assertTrue(dpo.needsReference() && dpo.needsTemplates() && dpo.needsRetain());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Methods.byName("dpo").bind(Map.of("beta", 0)));
        assertTrue(e.getMessage().contains("beta"), e.getMessage());
    }
}

package dev.unlearn.methods.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.methods.loss.TwoTermLoss;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.testing.Nd;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** methods.md test vectors T8 (loss combinations and the decorator over NPO). */
class PromptDecoupleTest {
    @Test
    void t8Combinations() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray nllF = m.create(2.0);
            NDArray nllR = m.create(0.4);
            NDArray nllPd = m.create(0.8);
            NDArray klR = m.create(0.05);
            double gapd = new PdConfig("ga", null, null).effectiveWeight();
            double gdpd = new PdConfig("graddiff", null, null).effectiveWeight();
            Nd.close(-1.6, Nd.scalar(PromptDecouple.combine(nllF.neg(), nllPd, gapd)), "gapd");
            Nd.close(-1.4, Nd.scalar(PromptDecouple.combine(TwoTermLoss.combine(nllF.neg(), 1, nllR, 0.5), nllPd, gdpd)),
                    "gdpd (recipe alpha 0.5)");
            Nd.close(-1.15, Nd.scalar(PromptDecouple.combine(TwoTermLoss.combine(nllF.neg(), 1, klR, 1), nllPd, 1.0)),
                    "klpd");
            Nd.close(1.7, Nd.scalar(PromptDecouple.combine(m.create(0.9), nllPd, 1.0)), "idkpd");
            double npoW = new PdConfig("npo", null, null).effectiveWeight();
            Nd.close(14.36598517394878, Nd.scalar(PromptDecouple.combine(m.create(13.56598517394878), nllPd, npoW)),
                    "pd(npo)");
        }
    }

    @Test
    void decoratorAddsPooledNllOfDecoupledBatch() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            Batch f = new Batch(List.of(new TokenizedExample("f", new long[] {1, 2, 3}, 1)), 0);
            Batch pd = new Batch(List.of(new TokenizedExample("p", new long[] {1, 2, 3, 0}, 2)), 0);
            ForwardFn uniform = (b, mm) -> mm.zeros(new Shape(b.size(), b.width(), 4), DataType.FLOAT64);
            PromptDecouple d = new PromptDecouple((p, r, b, mm) -> new StepLoss(mm.create(-1.0), Map.of()), 0.5);
            StepLoss s = d.loss(uniform, null, new StepBatches(f, null, null, pd), m);
            Nd.close(-1.0 + 0.5 * Math.log(4), Nd.scalar(s.total()), "base + 0.5·log 4");
            Nd.close(Math.log(4), s.termValues().get("pd"), "pd term");
        }
    }

    @Test
    void baseMustBeKnownAndLossBased() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Methods.byName("pd").bind(Map.of("base", "ssd")));
        assertTrue(e.getMessage().contains("base"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> Methods.byName("pd").bind(Map.of("base", "nope")));
        assertTrue(e.getMessage().contains("npo"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> Methods.byName("pd").bind(Map.of("base", "npo", "base_config", Map.of("beta", 0))));
        assertTrue(e.getMessage().contains("beta"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> Methods.byName("pd").bind(Map.of("base", "npo", "pd_weight", -1)));
        assertTrue(e.getMessage().contains("pd_weight"), e.getMessage());
        assertEquals(1.0, ((PdConfig) Methods.byName("pd").bind(Map.of("base", "npo"))).effectiveWeight());
    }
}

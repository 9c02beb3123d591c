package dev.unlearn.methods.npo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.methods.loss.TwoTermLoss;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.testing.Nd;
import dev.unlearn.methods.testing.Ops;
import java.util.List;
import org.junit.jupiter.api.Test;

/** methods.md test vector T3 and the r = 0 start. */
class NegativePreferenceTest {
    @Test
    void t3ValueGradientAndRetain() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray theta = m.create(new double[] {12.0, 30.5});
            NDArray ref = m.create(new double[] {10.0, 31.0});
            double lf = Nd.scalar(NegativePreference.forgetLoss(theta, ref, 0.1));
            Nd.close(13.16598517394878, lf, "T3 L_forget");
            double[] g = Ops.grad(theta, x -> NegativePreference.forgetLoss(x, ref, 0.1));
            Nd.close(new double[] {-0.450166002688, -0.512497396484}, g, 1e-10, 1e-12, "T3 gradient");
            Nd.close(13.56598517394878,
                    Nd.scalar(TwoTermLoss.combine(m.create(lf), 1, m.create(0.4), 1)), "T3 with retain");
        }
    }

    @Test
    void t3Stability() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray terms = NegativePreference.perSample(m.create(new double[] {-2000, 2000}), m.zeros(new Shape(2),
                    ai.djl.ndarray.types.DataType.FLOAT64), 0.1);
            double[] t = terms.toDoubleArray();
            Nd.close(4000, t[0], "term r=-2000");
            Nd.close(2.767793053473e-86, t[1], 1e-10, 0, "term r=2000");
        }
    }

    @Test
    void startsAtTwoOverBetaLog2WhenPolicyIsReference() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            List<TokenizedExample> ex = List.of(new TokenizedExample("a", new long[] {1, 2, 3, 0}, 2),
                    new TokenizedExample("b", new long[] {3, 1, 2}, 1));
            Batch f = new Batch(ex, 0);
            ForwardFn same = (b, mm) -> {
                double[] z = new double[b.size() * b.width() * 4];
                for (int i = 0; i < z.length; i++) {
                    z[i] = Math.sin(0.7 * i);
                }
                return mm.create(z, new Shape(b.size(), b.width(), 4));
            };
            NpoLoss loss = new NpoLoss(new NpoConfig(0.1, 1, 0, null, null), new ReferenceNllCache());
            loss.precompute(same, List.of(f), m);
            assertEquals(2, loss.cache().size());
            StepLoss s = loss.loss(same, null, StepBatches.of(f, null), m);
            Nd.close(20 * Math.log(2), Nd.scalar(s.total()), "r = 0 at initialisation");
            // a different tokenization of the same id misses the cache
            assertTrue(loss.cache().get(new TokenizedExample("a", new long[] {1, 2, 3, 9}, 2)).isEmpty());
        }
    }

    @Test
    void samplesWithoutTargetsAreSkippedAndCounted() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardFn policy = (b, mm) -> mm.create(new double[b.size() * b.width() * 3], new Shape(b.size(), b.width(), 3));
            ForwardFn ref = (b, mm) -> {
                double[] z = new double[b.size() * b.width() * 3];
                for (int i = 0; i < z.length; i++) {
                    z[i] = (i % 3) * 0.5;
                }
                return mm.create(z, new Shape(b.size(), b.width(), 3));
            };
            Batch both = new Batch(List.of(new TokenizedExample("a", new long[] {1, 2, 0}, 1),
                    new TokenizedExample("empty", new long[] {1, 2}, 2)), 0);
            Batch one = new Batch(List.of(new TokenizedExample("a", new long[] {1, 2, 0}, 1)), 0);
            NpoConfig c = new NpoConfig(0.1, 1, 0, null, null);
            StepLoss s2 = new NpoLoss(c, new ReferenceNllCache()).loss(policy, ref, StepBatches.of(both, null), m);
            StepLoss s1 = new NpoLoss(c, new ReferenceNllCache()).loss(policy, ref, StepBatches.of(one, null), m);
            Nd.close(Nd.scalar(s1.total()), Nd.scalar(s2.total()), "empty sample does not count");
            assertEquals(1.0, s2.termValues().get("skipped"));
        }
    }
}

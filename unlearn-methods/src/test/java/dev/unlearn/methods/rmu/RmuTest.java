package dev.unlearn.methods.rmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.testing.Nd;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** methods.md test vector T7 and the layer index convention. */
class RmuTest {
    private static final double[] H_THETA = {1, 2, 0.5, -1, 3, 0, 0, 0, 1, 1, 2, -2};
    private static final double[] H_REF = {1, 2.5, 0, -1, 3, 1, 0.5, 0, 1, 0, 2, -2};
    private NDManager m;

    @BeforeEach
    void open() {
        Engines.pytorch();
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    private NDArray mask() {
        return m.create(new double[] {0, 1, 1, 1, 1, 0}, new Shape(2, 3));
    }

    @Test
    void t7OuForm() {
        NDArray h = m.create(H_THETA, new Shape(2, 3, 2));
        NDArray u = m.create(RepresentationMisdirection.controlVector(new double[] {0.6, 0.8}, 2));
        NDArray lf = RepresentationMisdirection.activationLoss(h, u, mask());
        Nd.close(2.18125, Nd.scalar(lf), "T7 L_forget");
        NDArray lr = RepresentationMisdirection.activationLoss(h, m.create(H_REF, new Shape(2, 3, 2)), mask());
        Nd.close(0.3125, Nd.scalar(lr), "T7 L_retain");
        Nd.close(2.49375, Nd.scalar(lf.add(lr)), "T7 L");
    }

    @Test
    void meanActivationNormOverMaskedPositions() {
        NDArray h = m.create(H_THETA, new Shape(2, 3, 2));
        double expected = (Math.sqrt(1.25) + 3 + 0 + Math.sqrt(2)) / 4; // rows (0,1),(0,2),(1,0),(1,1)
        Nd.close(expected, Nd.scalar(RepresentationMisdirection.meanActivationNorm(h, mask())), "mean ‖h‖");
    }

    @Test
    void t7WmdpForm() {
        NDArray h = m.create(H_THETA, new Shape(2, 3, 2));
        NDArray u = m.create(new double[] {1.2, 1.6});
        Nd.close(2.6041666666666665, Nd.scalar(RepresentationMisdirection.wmdpMse(h, u)), "T7 WMDP forget");
        Nd.close(275.0, Nd.scalar(RepresentationMisdirection.wmdpMse(h, m.create(H_REF, new Shape(2, 3, 2))).mul(1200)),
                "T7 WMDP retain ×1200");
    }

    @Test
    void t7ControlVector() {
        Nd.close(new double[] {3.9, 5.2}, RepresentationMisdirection.controlVector(new double[] {0.3, 0.4}, 6.5),
                "c = 6.5");
        double[] a = RepresentationMisdirection.controlVector(16, 42, 2);
        double[] b = RepresentationMisdirection.controlVector(16, 42, 2);
        Nd.close(a, b, 0, 0, "seeded draw repeats");
        double n = 0;
        for (double x : a) {
            n += x * x;
            assertTrue(x >= 0);
        }
        Nd.close(2, Math.sqrt(n), "norm c");
    }

    @Test
    void stepAsksForTheRawOutputOfBlockLAndUsesUnshiftedMask() {
        Batch f = new Batch(List.of(new TokenizedExample("f0", new long[] {5, 6, 7}, 1),
                new TokenizedExample("f1", new long[] {5, 6, 7}, 2)), 0);
        // unshifted mask: [[0,1,1],[0,0,1]]
        int[] asked = new int[1];
        ForwardFn policy = new ForwardFn() {
            @Override
            public NDArray logits(Batch b, NDManager mm) {
                throw new AssertionError("RMU must not need logits");
            }

            @Override
            public NDArray layerOutput(Batch b, int layer, NDManager mm) {
                asked[0] = layer;
                return mm.create(H_THETA, new Shape(2, 3, 2));
            }
        };
        RmuConfig c = new RmuConfig(3, 2, 1, 0, ".*mlp.*", RmuConfig.Form.OU);
        RmuLoss loss = new RmuLoss(c, c.effectiveLayer(new ModelInfo(8, 2, 10)), 8, new double[] {1.2, 1.6});
        StepLoss s = loss.loss(policy, null, StepBatches.of(f, null), m);
        assertEquals(3, asked[0], "the output of block 3 itself");
        // sample 0: tokens 1,2 → ((0.7²+2.6²)/2 + (1.8²+1.6²)/2)/2 = (3.625 + 2.9)/2; sample 1: token 2 → (0.8²+3.6²)/2
        double s0 = ((0.7 * 0.7 + 2.6 * 2.6) / 2 + (1.8 * 1.8 + 1.6 * 1.6) / 2) / 2;
        double s1 = (0.8 * 0.8 + 3.6 * 3.6) / 2;
        Nd.close((s0 + s1) / 2, Nd.scalar(s.total()), "masked forget loss");
        assertTrue(loss.trainable().test("model.layers.2.mlp.down_proj.weight"));
        assertFalse(loss.trainable().test("model.embed_tokens.weight"));
    }

    @Test
    void layerRange() {
        assertEquals(7, RmuConfig.defaults().effectiveLayer(new ModelInfo(32, 8, 10)));
        assertEquals(3, RmuConfig.defaults().effectiveLayer(new ModelInfo(4, 8, 10)), "default clamps to L−1");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new RmuConfig(4, 2, 1, 1, null, null).effectiveLayer(new ModelInfo(4, 8, 10)));
        assertTrue(e.getMessage().contains("'layer'") && e.getMessage().contains("0 … 3"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> new RmuConfig(1, 0, 1, 1, null, null));
        assertTrue(e.getMessage().contains("steering_coeff"), e.getMessage());
    }
}

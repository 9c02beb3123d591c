package dev.unlearn.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.unlearn.core.model.Layers;
import dev.unlearn.core.train.Backprop;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The TorchScript kernels against the eager DJL computations they replace, values and gradients (float64,
 * so that the comparison is about the formula, not rounding), plus the multi-tensor helpers exactly.
 */
class TorchKernelsTest {
    private static final double TOL = 1e-10;

    /** Values and input gradients of {@code f} under autograd, for a sum-of-squares loss. */
    private static double[][] run(Function<NDList, NDArray> f, NDList inputs) {
        for (NDArray x : inputs) {
            x.setRequiresGradient(true);
        }
        double[][] out = new double[inputs.size() + 1][];
        try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
            NDArray y = f.apply(inputs);
            out[0] = y.toDoubleArray();
            Backprop.backward(gc, y.mul(y).sum());
        }
        for (int i = 0; i < inputs.size(); i++) {
            out[i + 1] = inputs.get(i).getGradient().toDoubleArray();
        }
        return out;
    }

    private static NDList fresh(NDManager m, long seed, Shape... shapes) {
        NDList l = new NDList();
        for (int i = 0; i < shapes.length; i++) {
            m.getEngine().setRandomSeed((int) seed + i);
            l.add(m.randomNormal(shapes[i], DataType.FLOAT64));
        }
        return l;
    }

    private static void assertClose(double[][] exp, double[][] got, String what) {
        for (int i = 0; i < exp.length; i++) {
            assertEquals(exp[i].length, got[i].length, what);
            for (int j = 0; j < exp[i].length; j++) {
                assertEquals(exp[i][j], got[i][j], TOL, what + (i == 0 ? " value" : " gradient of input " + (i - 1)) + " at " + j);
            }
        }
    }

    @Test
    void siluMulIsGateTimesSigmoidTimesUp() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape s = new Shape(2, 3, 7);
            double[][] exp = run(in -> in.get(0).mul(Activation.sigmoid(in.get(0))).mul(in.get(1)), fresh(m, 1, s, s));
            double[][] got = run(in -> TorchKernels.siluMul(in.get(0), in.get(1)), fresh(m, 1, s, s));
            assertClose(exp, got, "silu(g) * u");
        }
    }

    /** The explicit attention: softmax(scale q kT + mask) v with key/value heads repeated, [B, Tq, H Dh]. */
    private static NDArray explicit(NDArray q, NDArray k, NDArray v, NDArray mask, double scale) {
        long b = q.getShape().get(0);
        long h = q.getShape().get(1);
        long tq = q.getShape().get(2);
        long dh = q.getShape().get(3);
        long rep = h / k.getShape().get(1);
        // HF's repeat_kv: query head h reads key/value head h / rep
        NDArray kr = interleave(k, rep);
        NDArray vr = interleave(v, rep);
        NDArray s = Scalars.mul(q.matMul(kr.transpose(0, 1, 3, 2)), scale);
        if (mask != null) {
            s = s.add(mask);
        }
        return s.softmax(-1).matMul(vr).transpose(0, 2, 1, 3).reshape(b, tq, h * dh);
    }

    private static NDArray interleave(NDArray x, long rep) {
        Shape s = x.getShape();
        return x.expandDims(2).broadcast(s.get(0), s.get(1), rep, s.get(2), s.get(3)).reshape(s.get(0), s.get(1) * rep,
                s.get(2), s.get(3));
    }

    private static NDArray causal(NDManager m, int tq, int tk, int offset) {
        double[] d = new double[tq * tk];
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j < tk; j++) {
                d[i * tk + j] = j <= offset + i ? 0 : -1e9;
            }
        }
        return m.create(d, new Shape(1, 1, tq, tk));
    }

    @Test
    void attentionMatchesTheExplicitSoftmaxWithGroupedHeads() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape q = new Shape(2, 4, 5, 3);
            Shape kv = new Shape(2, 2, 5, 3);
            double scale = 0.37;
            NDArray mask = causal(m, 5, 5, 0);
            double[][] exp = run(in -> explicit(in.get(0), in.get(1), in.get(2), mask, scale), fresh(m, 7, q, kv, kv));
            double[][] viaFlag = run(in -> flat(TorchKernels.attention(in.get(0), in.get(1), in.get(2), null, true, scale)),
                    fresh(m, 7, q, kv, kv));
            assertClose(exp, viaFlag, "causal flag");
            double[][] viaMask = run(in -> flat(TorchKernels.attention(in.get(0), in.get(1), in.get(2), mask, false, scale)),
                    fresh(m, 7, q, kv, kv));
            assertClose(exp, viaMask, "explicit causal mask");
            // a padded batch: row 1 hides its last two keys
            double[] pad = new double[2 * 5 * 5];
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 5; j++) {
                        pad[(b * 5 + i) * 5 + j] = j <= i && (b == 0 || j < 3) ? 0 : -1e9;
                    }
                }
            }
            NDArray padMask = m.create(pad, new Shape(2, 1, 5, 5));
            assertClose(run(in -> explicit(in.get(0), in.get(1), in.get(2), padMask, scale), fresh(m, 9, q, kv, kv)),
                    run(in -> flat(TorchKernels.attention(in.get(0), in.get(1), in.get(2), padMask, false, scale)),
                            fresh(m, 9, q, kv, kv)), "padding mask");
            // one new query against cached keys: no mask at all
            Shape q1 = new Shape(2, 4, 1, 3);
            assertClose(run(in -> explicit(in.get(0), in.get(1), in.get(2), null, scale), fresh(m, 11, q1, kv, kv)),
                    run(in -> flat(TorchKernels.attention(in.get(0), in.get(1), in.get(2), null, false, scale)),
                            fresh(m, 11, q1, kv, kv)), "no mask");
        }
    }

    private static NDArray flat(NDArray ctx) {
        Shape s = ctx.getShape();
        return ctx.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    @Test
    void layersAttentionTakesANullMaskAsCausalWhenQueriesAreKeys() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList in = fresh(m, 3, new Shape(1, 2, 4, 2), new Shape(1, 1, 4, 2), new Shape(1, 1, 4, 2));
            double[] exp = explicit(in.get(0), in.get(1), in.get(2), causal(m, 4, 4, 0), 1 / Math.sqrt(2)).toDoubleArray();
            double[] got = Layers.attention(in.get(0), in.get(1), in.get(2), null).toDoubleArray();
            for (int i = 0; i < exp.length; i++) {
                assertEquals(exp[i], got[i], TOL);
            }
        }
    }

    @Test
    void multiTensorHelpersAreExact() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, -2, 3});
            NDArray b = m.create(new float[] {0.5f, 4}, new Shape(1, 2));
            double sq = TorchKernels.squaredNorm(List.of(a, b));
            assertEquals(1 + 4 + 9 + 0.25 + 16, sq, 0);
            TorchKernels.scale(List.of(a, b), 2);
            assertArrayEquals(new float[] {2, -4, 6}, a.toFloatArray());
            assertArrayEquals(new float[] {1, 8}, b.toFloatArray());
            TorchKernels.zero(List.of(a, b));
            assertTrue(a.eq(0).all().getBoolean() && b.eq(0).all().getBoolean());
        }
    }
}

package dev.unlearn.core.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizerMathTest {
    @Test
    void schedulesMatchHuggingFaceFormulas() {
        assertEquals(0.0, Schedule.LINEAR.factor(0, 100, 10));
        assertEquals(0.5, Schedule.LINEAR.factor(5, 100, 10), 1e-12);
        assertEquals(1.0, Schedule.LINEAR.factor(10, 100, 10), 1e-12);
        assertEquals(0.5, Schedule.LINEAR.factor(55, 100, 10), 1e-12);
        assertEquals(0.5, Schedule.COSINE.factor(55, 100, 10), 1e-12);
        assertEquals(0.5 * (1 + Math.cos(Math.PI / 4)), Schedule.COSINE.factor(35, 110, 10), 1e-12);
        assertEquals(0.0, Schedule.COSINE.factor(110, 110, 10), 1e-12);
        assertEquals(1.0, Schedule.CONSTANT.factor(99, 100, 0));
        assertThrows(InvalidInputException.class, () -> TrainingConfig.builder().build());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainingConfig.builder().setLearningRate(1).optGradientAccumulation(0).build());
        assertTrue(e.getMessage().contains("gradient_accumulation"));
    }

    /** Loss = Σ c·p for two scalars; AdamW with clipping off, checked against a double-precision reference. */
    @Test
    void adamwMatchesReferenceUpdate() {
        Engines.pytorch();
        double[] c = {0.5, -2.0};
        double lr = 0.1, wd = 0.2, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = new LinkedHashMap<>();
            p.put("w", m.create(new float[] {1.0f, -1.0f}));
            p.put("layer_norm.weight", m.create(new float[] {0.3f}));
            Batch dummy = new Batch(List.of(new TokenizedExample("x", new long[] {1, 2}, 1)), 0);
            BatchSource one = new BatchSource() {
                @Override
                public int batchesPerEpoch() {
                    return 1;
                }

                @Override
                public Map<String, Batch> batches(int epoch, int index) {
                    return Map.of("train", dummy);
                }
            };
            Objective obj = ctx -> ctx.manager().create(new float[] {(float) c[0], (float) c[1]})
                    .mul(ctx.parameters().get("w")).sum()
                    .add(ctx.manager().create(3f).mul(ctx.parameters().get("layer_norm.weight")).sum());
            new TrainingLoop(TrainingConfig.builder().setLearningRate(lr).optWeightDecay(wd).optBetas(b1, b2)
                    .optEpsilon(eps).optSchedule(Schedule.CONSTANT).optMaxGradNorm(0).optMaxSteps(3).build(), p, one, obj)
                    .run();
            double[] w = {1.0, -1.0, 0.3};
            double[] g = {c[0], c[1], 3.0};
            double[] mm = new double[3], vv = new double[3];
            for (int t = 1; t <= 3; t++) {
                for (int i = 0; i < 3; i++) {
                    if (i < 2) {
                        w[i] *= 1 - lr * wd; // no decay on the norm weight
                    }
                    mm[i] = b1 * mm[i] + (1 - b1) * g[i];
                    vv[i] = b2 * vv[i] + (1 - b2) * g[i] * g[i];
                    double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                    w[i] -= lr / (1 - Math.pow(b1, t)) * mm[i] / denom;
                }
            }
            float[] got = p.get("w").toFloatArray();
            assertEquals(w[0], got[0], 1e-5);
            assertEquals(w[1], got[1], 1e-5);
            assertEquals(w[2], p.get("layer_norm.weight").toFloatArray()[0], 1e-5);
        }
    }

    /**
     * Step 1 has gradient (30, 40) (norm 50, clipped to norm 1), step 2 has (0.3, 0.4) (not clipped).
     * Adam is scale-invariant on its first step, so the second step is where clipping shows: the
     * result must match a clipped reference and differ from an unclipped one.
     */
    @Test
    void clippingByGlobalNormMatchesReference() {
        Engines.pytorch();
        double[][] c = {{30, 40}, {0.3, 0.4}};
        double lr = 0.1;
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = new LinkedHashMap<>();
            p.put("w", m.create(new float[] {0f, 0f}));
            Batch dummy = new Batch(List.of(new TokenizedExample("x", new long[] {1, 2}, 1)), 0);
            BatchSource one = new BatchSource() {
                @Override
                public int batchesPerEpoch() {
                    return 1;
                }

                @Override
                public Map<String, Batch> batches(int epoch, int index) {
                    return Map.of("train", dummy);
                }
            };
            List<Double> norms = new java.util.ArrayList<>();
            new TrainingLoop(TrainingConfig.builder().setLearningRate(lr).optWeightDecay(0).optSchedule(Schedule.CONSTANT)
                    .optMaxSteps(2).optMaxGradNorm(1.0).build(), p, one,
                    ctx -> {
                        double[] ci = c[(int) ctx.step()];
                        return ctx.manager().create(new float[] {(float) ci[0], (float) ci[1]})
                                .mul(ctx.parameters().get("w")).sum();
                    })
                    .addListener(new TrainingLoop.Listener() {
                        @Override
                        public void onStep(TrainingLoop.StepRecord r) {
                            norms.add(r.gradNorm());
                        }
                    }).run();
            assertEquals(50.0, norms.get(0), 1e-4, "logged norm is the pre-clip norm");
            float[] got = p.get("w").toFloatArray();
            double[] clipped = adam(c, lr, true);
            double[] unclipped = adam(c, lr, false);
            assertEquals(clipped[0], got[0], 1e-6);
            assertEquals(clipped[1], got[1], 1e-6);
            assertTrue(Math.abs(unclipped[0] - clipped[0]) > 1e-3, "the test distinguishes clipping");
        }
    }

    /** Accumulating k micro-batch gradients of loss/k equals one step on the mean loss. */
    @Test
    void gradientAccumulationAveragesMicroBatches() {
        Engines.pytorch();
        float[][] c = {{1, -2}, {3, 0.5f}, {-1, 4}, {2, 2}, {0.5f, -3}, {1, 1}};
        float[][] accumulated = trainW(3, c, (ctx, cm) -> cm.get(ctx.manager(), (int) ctx.microStep()));
        float[][] averaged = trainW(1, c, (ctx, cm) -> cm.get(ctx.manager(), 3 * (int) ctx.step())
                .add(cm.get(ctx.manager(), 3 * (int) ctx.step() + 1)).add(cm.get(ctx.manager(), 3 * (int) ctx.step() + 2))
                .div(3));
        assertArrayEquals(averaged[0], accumulated[0], 1e-6f);
        float[][] last = trainW(3, c, (ctx, cm) -> cm.get(ctx.manager(), 3 * (int) ctx.step()));
        assertFalse(Math.abs(last[0][0] - accumulated[0][0]) < 1e-4, "the test sees which micro-batches count");
    }

    private interface Coeffs {
        NDArray get(NDManager m, int i);
    }

    private static float[][] trainW(int accumulation, float[][] c,
            java.util.function.BiFunction<StepContext, Coeffs, NDArray> coeff) {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = new LinkedHashMap<>();
            p.put("w", m.create(new float[] {0.2f, -0.1f}));
            Batch dummy = new Batch(List.of(new TokenizedExample("x", new long[] {1, 2}, 1)), 0);
            BatchSource one = new BatchSource() {
                @Override
                public int batchesPerEpoch() {
                    return 1;
                }

                @Override
                public Map<String, Batch> batches(int epoch, int index) {
                    return Map.of("train", dummy);
                }
            };
            Coeffs cm = (mgr, i) -> mgr.create(c[i]);
            new TrainingLoop(TrainingConfig.builder().setLearningRate(0.05).optSchedule(Schedule.CONSTANT)
                    .optMaxGradNorm(0).optGradientAccumulation(accumulation).optMaxSteps(2).build(), p, one,
                    ctx -> coeff.apply(ctx, cm).mul(ctx.parameters().get("w")).sum())
                    .run();
            return new float[][] {p.get("w").toFloatArray()};
        }
    }

    private static double[] adam(double[][] grads, double lr, boolean clip) {
        double[] w = new double[2], mm = new double[2], vv = new double[2];
        for (int t = 1; t <= grads.length; t++) {
            double[] g = grads[t - 1].clone();
            double norm = Math.hypot(g[0], g[1]);
            double coef = 1.0 / (norm + 1e-6);
            for (int i = 0; i < 2; i++) {
                if (clip && coef < 1) {
                    g[i] *= coef;
                }
                mm[i] = 0.9 * mm[i] + 0.1 * g[i];
                vv[i] = 0.999 * vv[i] + 0.001 * g[i] * g[i];
                w[i] -= lr / (1 - Math.pow(0.9, t)) * mm[i] / (Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8);
            }
        }
        return w;
    }
}

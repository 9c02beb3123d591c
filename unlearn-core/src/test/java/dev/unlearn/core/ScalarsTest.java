package dev.unlearn.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalarsTest {
    /** Drops every unreachable direct buffer and reuses the freed memory with other values. */
    static void collectAndScribble(NDManager m) {
        List<NDArray> junk = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 64; i++) {
                junk.add(m.create(new float[] {65536f, Float.POSITIVE_INFINITY, -7f, 1e30f}));
            }
        }
        junk.forEach(NDArray::close);
    }

    private static float[] grad(boolean gc, boolean safe) {
        try (NDManager m = NDManager.newBaseManager(Engines.pytorch().defaultDevice())) {
            NDArray x = m.create(new float[] {0.5f, 1f, 2f, 4f});
            x.setRequiresGradient(true);
            try (GradientCollector c = Engines.pytorch().newGradientCollector()) {
                NDArray y = safe ? Scalars.mul(x, 3.0).add(Scalars.pow(x, -0.5)).add(Scalars.div(x, 7.0))
                        : x.mul(3.0).add(x.pow(-0.5)).add(x.div(7.0));
                if (gc) {
                    collectAndScribble(m);
                }
                c.backward(y.sum());
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() {
        float[] expected = grad(false, true);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(expected, grad(true, true), 0f, "run " + i);
        }
        // d/dx (3x + x^-0.5 + x/7) = 3 - 0.5 x^-1.5 + 1/7, computed independently in double
        float[] xs = {0.5f, 1f, 2f, 4f};
        for (int i = 0; i < xs.length; i++) {
            assertEquals(3 - 0.5 * Math.pow(xs[i], -1.5) + 1.0 / 7, expected[i], 1e-6);
        }
    }

    /** Not a test: prints how often DJL's own Number overloads give a wrong gradient here (the hazard). */
    public static void main(String[] args) {
        float[] expected = grad(false, true);
        int wrong = 0;
        for (int i = 0; i < 50; i++) {
            if (!java.util.Arrays.equals(expected, grad(true, false))) {
                wrong++;
            }
        }
        System.out.println("DJL Number overloads: " + wrong + " of 50 gradients wrong after a GC");
    }

    @Test
    void scalarTypesFollowPyTorch() {
        try (NDManager m = NDManager.newBaseManager(Engines.pytorch().defaultDevice())) {
            NDArray f64 = m.create(new double[] {1.0});
            assertEquals(1.0 + 1e-12, Scalars.add(f64, 1e-12).getDouble(), 0.0, "float64 keeps every bit");
            assertEquals(DataType.FLOAT64, Scalars.mul(f64, 2).getDataType());
            // (DJL 0.36's toType(BFLOAT16) aborts the JVM on this engine, so the half type tested is FLOAT16)
            NDArray half = m.create(new float[] {1f}).toType(DataType.FLOAT16, false);
            assertEquals(DataType.FLOAT16, Scalars.mul(half, 0.1).getDataType());
            NDArray ints = m.create(new long[] {3});
            assertEquals(DataType.INT64, Scalars.add(ints, 1).getDataType());
            assertEquals(4L, Scalars.add(ints, 1).getLong());
            NDArray x = m.create(new float[] {2f, 8f});
            assertArrayEquals(new float[] {-1f, -7f}, Scalars.rsub(1, x).toFloatArray());
            assertArrayEquals(new float[] {0.5f, 0.125f}, Scalars.rdiv(1, x).toFloatArray());
            assertArrayEquals(new float[] {3f, 8f}, Scalars.maximum(x, 3).toFloatArray());
            assertArrayEquals(new float[] {2f, 3f}, Scalars.minimum(x, 3).toFloatArray());
        }
    }
}

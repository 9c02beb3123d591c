package dev.unlearn.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Layer functions against naive Java controls. */
class LayersTest {
    static float[] rnd(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    static void close(float[] exp, float[] got, double tol, String what) {
        assertEquals(exp.length, got.length, what);
        for (int i = 0; i < exp.length; i++) {
            assertEquals(exp[i], got[i], tol, what + " at " + i);
        }
    }

    @Test
    void rmsNormMatchesNaive() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = rnd(3 * 8, 1);
            float[] w = rnd(8, 2);
            float[] exp = new float[x.length];
            for (int r = 0; r < 3; r++) {
                double ss = 0;
                for (int i = 0; i < 8; i++) {
                    ss += x[r * 8 + i] * x[r * 8 + i];
                }
                double inv = 1 / Math.sqrt(ss / 8 + 1e-5);
                for (int i = 0; i < 8; i++) {
                    exp[r * 8 + i] = (float) (w[i] * x[r * 8 + i] * inv);
                }
            }
            close(exp, Layers.rmsNorm(m.create(x, new Shape(3, 8)), m.create(w), 1e-5).toFloatArray(), 1e-5, "rmsnorm");
        }
    }

    @Test
    void ropeIsHfRotateHalf() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            int t = 5;
            int d = 6;
            float[] x = rnd(t * d, 3);
            float[] cos = new float[t * d];
            float[] sin = new float[t * d];
            float[] exp = new float[t * d];
            for (int p = 0; p < t; p++) {
                for (int i = 0; i < d / 2; i++) {
                    double ang = p * Math.pow(10000, -2.0 * i / d);
                    cos[p * d + i] = cos[p * d + i + d / 2] = (float) Math.cos(ang);
                    sin[p * d + i] = sin[p * d + i + d / 2] = (float) Math.sin(ang);
                    float a = x[p * d + i];
                    float b = x[p * d + i + d / 2];
                    // pair (i, i + d/2) rotated by the angle: HF rotate-half
                    exp[p * d + i] = (float) (a * Math.cos(ang) - b * Math.sin(ang));
                    exp[p * d + i + d / 2] = (float) (b * Math.cos(ang) + a * Math.sin(ang));
                }
            }
            NDArray got = Layers.rope(m.create(x, new Shape(1, 1, t, d)), m.create(cos, new Shape(t, d)),
                    m.create(sin, new Shape(t, d)));
            close(exp, got.toFloatArray(), 1e-5, "rope");
        }
    }

    @Test
    void joinedSwiGluEqualsSeparate() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(rnd(4 * 8, 4), new Shape(1, 4, 8));
            NDArray gate = m.create(rnd(12 * 8, 5), new Shape(12, 8));
            NDArray up = m.create(rnd(12 * 8, 6), new Shape(12, 8));
            NDArray down = m.create(rnd(8 * 12, 7), new Shape(8, 12));
            NDArray a = Layers.swiGlu(x, gate, up, down);
            NDArray b = Layers.swiGluJoined(x, NDArrays.concat(new NDList(gate, up), 0), down);
            close(a.toFloatArray(), b.toFloatArray(), 1e-5, "swiglu");
            // silu(g) * u by hand for one element
            float g = 0;
            float u = 0;
            float[] xs = x.toFloatArray();
            float[] gs = gate.toFloatArray();
            float[] us = up.toFloatArray();
            for (int i = 0; i < 8; i++) {
                g += xs[i] * gs[i];
                u += xs[i] * us[i];
            }
            float hid = Layers.linear(x, gate, null).toFloatArray()[0];
            assertEquals(g, hid, 1e-4);
            assertEquals(g / (1 + Math.exp(-g)) * u,
                    Layers.linear(x, gate, null).mul(ai.djl.nn.Activation.sigmoid(Layers.linear(x, gate, null)))
                            .mul(Layers.linear(x, up, null)).toFloatArray()[0], 1e-4);
        }
    }
}

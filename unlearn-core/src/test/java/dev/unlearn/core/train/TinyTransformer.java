package dev.unlearn.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A two-layer, single-head, pre-norm causal transformer from raw arrays (learned positions, ReLU
 * MLP, tied head, RMS norm without gain). A stand-in for {@code model.CausalLm} of about the size the
 * synth world is meant for, used only to check that the world is learnable through the loop.
 */
final class TinyTransformer {
    private TinyTransformer() {}

    static Map<String, NDArray> init(NDManager m, int vocab, int maxLen, int d, int layers, long seed) {
        Random r = new Random(seed);
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put("embed", gauss(m, r, new Shape(vocab, d), 0.02));
        p.put("pos", gauss(m, r, new Shape(maxLen, d), 0.02));
        for (int l = 0; l < layers; l++) {
            for (String w : new String[] {"q", "k", "v", "o"}) {
                p.put(l + "." + w, gauss(m, r, new Shape(d, d), 1 / Math.sqrt(d)));
            }
            p.put(l + ".up", gauss(m, r, new Shape(d, 4 * d), 1 / Math.sqrt(d)));
            p.put(l + ".down", gauss(m, r, new Shape(4 * d, d), 1 / Math.sqrt(4 * d)));
        }
        return p;
    }

    private static NDArray gauss(NDManager m, Random r, Shape s, double scale) {
        float[] a = new float[(int) s.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return m.create(a, s);
    }

    static long count(Map<String, NDArray> p) {
        return p.values().stream().mapToLong(NDArray::size).sum();
    }

    /** Logits [B, T, V]; every array is created in {@code s}. */
    static NDArray logits(NDManager s, Map<String, NDArray> p, NDArray ids) {
        int vocab = (int) p.get("embed").getShape().get(0);
        int d = (int) p.get("embed").getShape().get(1);
        int maxLen = (int) p.get("pos").getShape().get(0);
        long b = ids.getShape().get(0);
        int t = (int) ids.getShape().get(1);
        long[] pos = new long[t];
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            pos[i] = i;
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = -1e9f;
            }
        }
        NDArray x = ids.oneHot(vocab).toType(DataType.FLOAT32, false).matMul(p.get("embed"))
                .add(s.create(pos).oneHot(maxLen).toType(DataType.FLOAT32, false).matMul(p.get("pos")));
        NDArray causal = s.create(mask, new Shape(t, t));
        int layers = (p.size() - 2) / 6;
        for (int l = 0; l < layers; l++) {
            NDArray h = rms(x);
            NDArray q = h.matMul(p.get(l + ".q"));
            NDArray k = h.matMul(p.get(l + ".k"));
            NDArray v = h.matMul(p.get(l + ".v"));
            NDArray att = q.matMul(k.transpose(0, 2, 1)).div(Math.sqrt(d)).add(causal).softmax(-1);
            x = x.add(att.matMul(v).matMul(p.get(l + ".o")));
            h = rms(x);
            x = x.add(h.matMul(p.get(l + ".up")).maximum(0f).matMul(p.get(l + ".down")));
        }
        return rms(x).matMul(p.get("embed").transpose());
    }

    private static NDArray rms(NDArray x) {
        return x.div(x.square().mean(new int[] {-1}, true).add(1e-6f).sqrt());
    }
}

package dev.unlearn.core.model;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.TorchKernels;

/**
 * The static twins of the block variants families add to {@link Layers}' Llama block (Gemma's norm and
 * GeGLU, soft-capped attention). Activation first, as in {@link Layers}; every scalar through
 * {@link Scalars}.
 */
public final class DecoderOps {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private DecoderOps() {}

    /**
     * RMSNorm with a weight offset: x [..., D], w [D] -&gt; x / sqrt(mean(x^2) + eps) * (offset + w);
     * offset 0 is {@link Layers#rmsNorm}, offset 1 is Gemma's {@code (1 + w)}.
     */
    public static NDArray rmsNorm(NDArray x, NDArray w, double eps, double offset) {
        if (offset == 0) {
            return Layers.rmsNorm(x, w, eps);
        }
        NDArray inv = Scalars.pow(Scalars.add(x.square().mean(new int[] {-1}, true), eps), -0.5);
        return x.mul(inv).mul(Scalars.add(w, offset));
    }

    /**
     * GELU, tanh approximation (torch {@code gelu(approximate="tanh")}, HF {@code gelu_pytorch_tanh}):
     * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
     */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = Scalars.mul(x.add(Scalars.mul(x.mul(x).mul(x), 0.044715)), SQRT_2_OVER_PI);
        return Scalars.mul(x, 0.5).mul(Scalars.add(inner.tanh(), 1.0));
    }

    /**
     * Gated MLP with gate and up stacked (gate rows first): x [.., D], gateUp [2F, D], down [D, F] -&gt;
     * down(act(gate x) * up x), act SiLU or tanh GELU.
     */
    public static NDArray gatedMlp(NDArray x, NDArray gateUp, NDArray down, boolean geluTanh) {
        if (!geluTanh) {
            return Layers.swiGluJoined(x, gateUp, down);
        }
        long f = gateUp.getShape().get(0) / 2;
        ai.djl.ndarray.NDList gu = Layers.splitLast(Layers.linear(x, gateUp, null), f, f);
        NDArray act = geluTanh(gu.get(0)).mul(gu.get(1));
        return Layers.linear(act, down, null);
    }

    /** Gated MLP with separate gate [F, D] and up [F, D]: down(act(gate x) * up x), act SiLU or tanh GELU. */
    public static NDArray gatedMlp(NDArray x, NDArray gate, NDArray up, NDArray down, boolean geluTanh) {
        if (!geluTanh) {
            return Layers.swiGlu(x, gate, up, down);
        }
        return Layers.linear(geluTanh(Layers.linear(x, gate, null)).mul(Layers.linear(x, up, null)), down, null);
    }

    /** The additive causal mask [1, 1, 1, T, T] (0 where key j &lt;= query i, a large negative above). */
    static NDArray causalMask(ai.djl.ndarray.NDManager m, long t, ai.djl.ndarray.types.DataType type) {
        int n = Math.toIntExact(t);
        float[] data = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                data[i * n + j] = -1e9f;
            }
        }
        NDArray a = m.create(data, new ai.djl.ndarray.types.Shape(1, 1, 1, t, t));
        return type == ai.djl.ndarray.types.DataType.FLOAT32 ? a : a.toType(type, false);
    }

    /** Soft-cap: c * tanh(x / c). */
    public static NDArray softcap(NDArray x, double c) {
        return Scalars.mul(Scalars.div(x, c).tanh(), c);
    }

    /**
     * Grouped-query attention as {@link Layers#attention} with a given score scale and an optional
     * soft-cap applied to the scaled scores before the mask (HF Gemma 2 order).
     *
     * @param q [B, H, Tq, Dh]
     * @param k [B, KV, Tk, Dh]
     * @param v [B, KV, Tk, Dh]
     * @param mask additive [B or 1, 1, 1, Tq, Tk], or null: causal when Tq = Tk, else none
     * @param scale factor on q.k
     * @param softcap cap, or 0 for none
     * @return [B, Tq, H * Dh]
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, double scale, double softcap) {
        long b = q.getShape().get(0);
        long h = q.getShape().get(1);
        long tq = q.getShape().get(2);
        long dh = q.getShape().get(3);
        long kv = k.getShape().get(1);
        long tk = k.getShape().get(2);
        if (softcap == 0) {
            // libtorch's fused kernel; a null mask with as many queries as keys is the causal mask
            // the mask's 4-d view joins the mask's manager (shared by every layer): closed after use
            NDArray m4 = mask == null ? null : mask.reshape(mask.getShape().get(0), 1, tq, tk);
            try {
                NDArray ctx = TorchKernels.attention(q, k, v, m4, mask == null && tq == tk && tq > 1, scale);
                return ctx.transpose(0, 2, 1, 3).reshape(b, tq, h * dh);
            } finally {
                if (m4 != null) {
                    m4.close();
                }
            }
        }
        if (mask == null && tq == tk && tq > 1) {
            mask = causalMask(q.getManager(), tq, q.getDataType());
        }
        long rep = h / kv;
        NDArray qg = Scalars.mul(q, scale).reshape(b, kv, rep * tq, dh);
        NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)).reshape(b, kv, rep, tq, tk);
        if (softcap > 0) {
            scores = softcap(scores, softcap);
        }
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray probs = scores.softmax(-1).reshape(b, kv, rep * tq, tk);
        NDArray ctx = probs.matMul(v).reshape(b, h, tq, dh);
        return ctx.transpose(0, 2, 1, 3).reshape(b, tq, h * dh);
    }
}

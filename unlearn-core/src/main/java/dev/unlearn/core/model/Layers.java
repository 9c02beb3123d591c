package dev.unlearn.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.TorchKernels;

/**
 * Pure functions for the Llama decoder (the static twins of its layers), each with its shapes. Every
 * function puts the activation first so results join the activation's manager (STYLE §4), never the
 * weights' manager.
 */
public final class Layers {
    private Layers() {}

    /**
     * Token embedding lookup: ids int64 [B, T], table [V, D] -&gt; [B, T, D]; rows of a half-precision table
     * are widened to float32 ({@link Precision}).
     */
    public static NDArray embedding(NDArray ids, NDArray table) {
        NDArray rows = ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
        if (!Precision.of(table).half()) {
            return rows;
        }
        NDArray wide = TorchKernels.cast(rows, Precision.FP32);
        rows.close();
        return wide;
    }

    /**
     * Affine map: x [..., in], w [out, in], b [out] or null -&gt; [..., out] (torch {@code linear}). A
     * half-precision {@code w} with a float32 {@code x} multiplies in the half type and widens the product
     * ({@link TorchKernels#halfLinear}); the bias is added in float32.
     */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        if (Precision.of(w).half() && !Precision.of(x).half()) {
            NDArray y = TorchKernels.halfLinear(x, w);
            return b == null ? y : y.add(b);
        }
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    /** RMSNorm: x [..., D], w [D] -&gt; w * x / sqrt(mean(x^2) + eps). */
    public static NDArray rmsNorm(NDArray x, NDArray w, double eps) {
        NDArray inv = Scalars.pow(Scalars.add(x.square().mean(new int[] {-1}, true), eps), -0.5);
        return x.mul(inv).mul(w);
    }

    /**
     * Rotary embedding, Hugging Face rotate-half convention (q/k rows are ordered so that the first
     * and second halves of each head form the pairs; see HF {@code convert_llama_weights_to_hf.py},
     * which permutes Meta's interleaved layout into this one): x [B, H, T, Dh], cos/sin [T, Dh] -&gt;
     * x * cos + rotate_half(x) * sin, rotate_half(x) = concat(-x2, x1).
     */
    public static NDArray rope(NDArray x, NDArray cos, NDArray sin) {
        long half = x.getShape().get(3) / 2;
        NDArray x1 = x.get(new NDIndex("..., :{}", half));
        NDArray x2 = x.get(new NDIndex("..., {}:", half));
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    /**
     * {@link #rope} with the sign of rotate-half folded into the table: {@code signedSin} is
     * {@code concat(-sin1, sin2)} of the halves of {@code sin}, so that x * cos + swap_halves(x) * signedSin
     * is the same product, bit for bit ((-a) b = a (-b) exactly), with one copy (a flip) in place of a
     * negation and a concatenation, and a backward pass that is one flip in place of two zero-filled
     * slice gradients.
     */
    public static NDArray ropeSigned(NDArray x, NDArray cos, NDArray signedSin) {
        Shape s = x.getShape();
        long half = s.get(3) / 2;
        NDArray swapped = x.reshape(s.get(0), s.get(1), s.get(2), 2, half).flip(3).reshape(s);
        return x.mul(cos).add(swapped.mul(signedSin));
    }

    /**
     * Splits the last axis of {@code x} into consecutive parts of the given sizes (views; torch
     * {@code split_with_sizes}, whose backward is one concatenation, where slicing would fill a zero
     * gradient of the whole input per part).
     */
    public static NDList splitLast(NDArray x, long... sizes) {
        int axis = x.getShape().dimension() - 1;
        long[] at = new long[sizes.length - 1];
        long sum = 0;
        for (int i = 0; i < at.length; i++) {
            sum += sizes[i];
            at[i] = sum;
        }
        return x.split(at, axis);
    }

    /**
     * SwiGLU MLP: x [.., D], gate/up [F, D], down [D, F] -&gt; down(silu(gate x) * up x), the activation by
     * libtorch's SiLU kernel ({@link TorchKernels#siluMul}).
     */
    public static NDArray swiGlu(NDArray x, NDArray gate, NDArray up, NDArray down) {
        return linear(TorchKernels.siluMul(linear(x, gate, null), linear(x, up, null)), down, null);
    }

    /**
     * SwiGLU with gate and up stacked in one matrix (one GEMM): x [.., D], gateUp [2F, D] (gate rows
     * first), down [D, F] -&gt; same as {@link #swiGlu}.
     */
    public static NDArray swiGluJoined(NDArray x, NDArray gateUp, NDArray down) {
        long f = gateUp.getShape().get(0) / 2;
        NDList gu = splitLast(linear(x, gateUp, null), f, f);
        return linear(TorchKernels.siluMul(gu.get(0), gu.get(1)), down, null);
    }

    /**
     * Grouped-query scaled dot-product attention without copying key/value heads: query head h reads
     * key/value head h / (H / KV), as HF {@code repeat_kv}.
     *
     * @param q [B, H, Tq, Dh] (already rotated)
     * @param k [B, KV, Tk, Dh] (already rotated)
     * @param v [B, KV, Tk, Dh]
     * @param mask additive [B or 1, 1, 1, Tq, Tk] (0 or a large negative), or null: causal when Tq = Tk,
     *     else none
     * @return [B, Tq, H * Dh]
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        return DecoderOps.attention(q, k, v, mask, 1.0 / Math.sqrt(q.getShape().get(3)), 0);
    }
}

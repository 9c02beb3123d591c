package dev.unlearn.eval.leakage;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ParameterTable;
import java.util.Map;

/**
 * Round-to-nearest (RTN) weight quantisation, asymmetric min–max per group: each row of a weight
 * matrix is cut into groups of {@code groupSize} consecutive entries (the last group may be shorter);
 * a group with minimum {@code lo} and maximum {@code hi} gets {@code scale = (hi − lo) / (2^bits − 1)}
 * and {@code zero = round(−lo / scale)}; {@code q = clamp(round(w / scale) + zero, 0, 2^bits − 1)} and the
 * dequantised weight is {@code (q − zero) · scale}. A constant group is kept exactly. Every 2-D
 * weight but the token embedding (which also serves as a tied LM head) is quantised, as the RTN
 * baselines of the quantisation-attack literature do (linear layers only); norms stay in float.
 * Pure Java over float arrays.
 */
public final class Quantizer {
    private Quantizer() {}

    /** Quantises and dequantises {@code w} in place (rows of length {@code cols}). */
    public static void roundTrip(float[] w, int cols, int bits, int groupSize) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("bits must be in 2..16, got " + bits);
        }
        int levels = (1 << bits) - 1;
        for (int row = 0; row * cols < w.length; row++) {
            for (int g = 0; g < cols; g += groupSize) {
                int from = row * cols + g;
                int to = row * cols + Math.min(cols, g + groupSize);
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (int i = from; i < to; i++) {
                    lo = Math.min(lo, w[i]);
                    hi = Math.max(hi, w[i]);
                }
                if (!(hi > lo)) {
                    continue;
                }
                double scale = ((double) hi - lo) / levels;
                double zero = Math.rint(-lo / scale);
                for (int i = from; i < to; i++) {
                    double q = Math.min(levels, Math.max(0, Math.rint(w[i] / scale) + zero));
                    w[i] = (float) ((q - zero) * scale);
                }
            }
        }
    }

    /** A quantised copy of {@code model} (a child of the model's manager; the caller closes it). */
    public static CausalLm quantised(CausalLm model, int bits, int groupSize) {
        CausalLm copy = model.copy(model.manager());
        for (Map.Entry<String, NDArray> e : copy.parameters().entrySet()) {
            NDArray a = e.getValue();
            if (a.getShape().dimension() != 2 || e.getKey().equals(ParameterTable.EMBED)) {
                continue;
            }
            float[] w = a.toFloatArray();
            roundTrip(w, (int) a.getShape().get(1), bits, groupSize);
            a.set(w);
        }
        return copy;
    }
}

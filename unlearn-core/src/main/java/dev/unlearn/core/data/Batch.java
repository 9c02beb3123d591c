package dev.unlearn.core.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A right-padded batch of {@link TokenizedExample}s held in Java arrays (no native memory until
 * {@link #inputIds(NDManager)} and friends are called inside a step's manager). Padding positions
 * get {@code padId} as input and -100 as label. The attention mask follows each example's
 * {@link AttentionMasking}: by default it marks real tokens by length, never by token value; under
 * {@code PAD_TOKEN} it also hides every real position whose id equals {@code padId} (the reference
 * collators' {@code input_ids != pad_token_id}).
 */
public final class Batch {
    private final List<TokenizedExample> examples;
    private final long[][] ids;
    private final long[][] labels;
    private final int[] lengths;
    private final int width;
    private final long padId;

    public Batch(List<TokenizedExample> examples, long padId) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        this.examples = List.copyOf(examples);
        int w = 0;
        for (TokenizedExample e : examples) {
            w = Math.max(w, e.length());
        }
        this.width = w;
        this.padId = padId;
        int b = examples.size();
        ids = new long[b][w];
        labels = new long[b][w];
        lengths = new int[b];
        for (int i = 0; i < b; i++) {
            TokenizedExample e = examples.get(i);
            long[] l = e.labels();
            lengths[i] = e.length();
            for (int t = 0; t < w; t++) {
                ids[i][t] = t < e.length() ? e.inputIds()[t] : padId;
                labels[i][t] = t < e.length() ? l[t] : TokenizedExample.IGNORE;
            }
        }
    }

    public List<TokenizedExample> examples() {
        return examples;
    }

    public int size() {
        return examples.size();
    }

    public int width() {
        return width;
    }

    public int[] lengths() {
        return lengths.clone();
    }

    public List<String> ids() {
        List<String> out = new ArrayList<>();
        for (TokenizedExample e : examples) {
            out.add(e.id());
        }
        return out;
    }

    /** Token ids, int64 [B, T]. */
    public NDArray inputIds(NDManager m) {
        return m.create(flatten(ids), new Shape(size(), width));
    }

    /** Labels with -100 on prompt and padding, int64 [B, T]. */
    public NDArray labels(NDManager m) {
        return m.create(flatten(labels), new Shape(size(), width));
    }

    /**
     * 1 on positions attention may see, 0 elsewhere, int64 [B, T]: the real tokens of each sample
     * ({@code t < length}); under {@link AttentionMasking#PAD_TOKEN} minus those whose id is the pad id.
     */
    public NDArray attentionMask(NDManager m) {
        return m.create(attentionMaskValues(), new Shape(size(), width));
    }

    /** {@link #attentionMask}'s values, row-major [B, T]. */
    public long[] attentionMaskValues() {
        long[] mask = new long[size() * width];
        for (int i = 0; i < size(); i++) {
            boolean byId = examples.get(i).masking() == AttentionMasking.PAD_TOKEN;
            for (int t = 0; t < lengths[i]; t++) {
                mask[i * width + t] = byId && ids[i][t] == padId ? 0 : 1;
            }
        }
        return mask;
    }

    private long[] flatten(long[][] a) {
        long[] out = new long[size() * width];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * width, width);
        }
        return out;
    }
}

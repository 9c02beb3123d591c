package dev.unlearn.methods.guard;

import java.util.List;

/**
 * The scoring pieces of GUARD (methods.md §9.2) [OURS where the paper gives no formula]:
 *
 * <pre>
 *   matchRatio(g, s) = k/|s| for the largest k ≥ 1 with g's last k tokens = s's first k tokens, else 0
 *   sim(word, W)     = max_w cos(vec(word), w)        (vec = mean input-embedding row of the word's tokens)
 *   detector (logistic stand-in): p = σ(wᵀ z + b),  z = mean_t h_t over the prompt tokens
 * </pre>
 *
 * Paper: "GUARD: Generation-time LLM Unlearning via Adaptive Restriction and Detection",
 * <a href="https://arxiv.org/abs/2505.13312">arXiv:2505.13312</a> (no official code; see §9.1).
 */
public final class GuardMath {
    private GuardMath() {}

    /** Match ratio of the generated suffix against one forbidden sequence. */
    public static double matchRatio(long[] generated, long[] forbidden) {
        int max = Math.min(generated.length, forbidden.length);
        for (int k = max; k >= 1; k--) {
            boolean eq = true;
            for (int i = 0; i < k && eq; i++) {
                eq = generated[generated.length - k + i] == forbidden[i];
            }
            if (eq) {
                return (double) k / forbidden.length;
            }
        }
        return 0;
    }

    /** The largest match ratio over a set of forbidden sequences. */
    public static double maxMatchRatio(long[] generated, List<long[]> forbidden) {
        double r = 0;
        for (long[] s : forbidden) {
            r = Math.max(r, matchRatio(generated, s));
        }
        return r;
    }

    /** Cosine similarity; 0 when either vector is zero. */
    public static double cosine(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vector lengths differ: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** Largest cosine between a candidate word vector and the forbidden word vectors (−1 when there are none). */
    public static double semanticSimilarity(double[] candidate, List<double[]> forbidden) {
        double s = -1;
        for (double[] f : forbidden) {
            s = Math.max(s, cosine(candidate, f));
        }
        return s;
    }

    /** Mean of rows (prompt pooling, word vectors). */
    public static double[] meanRows(double[][] rows) {
        double[] out = new double[rows[0].length];
        for (double[] r : rows) {
            for (int j = 0; j < out.length; j++) {
                out[j] += r[j] / rows.length;
            }
        }
        return out;
    }

    /** Logistic detector on mean-pooled prompt states: {@code σ(wᵀ mean(h) + b)}. */
    public static double logisticDetector(double[][] promptHidden, double[] weights, double bias) {
        double[] z = meanRows(promptHidden);
        double s = bias;
        for (int j = 0; j < z.length; j++) {
            s += weights[j] * z[j];
        }
        return dev.unlearn.methods.loss.StableMath.sigmoid(s);
    }

    /** Max-shifted log-softmax of one logits row (the beam search's, {@link dev.unlearn.core.generate.BeamSearch#logSoftmax(double[])}). */
    public static double[] logSoftmax(double[] logits) {
        return dev.unlearn.core.generate.BeamSearch.logSoftmax(logits);
    }

    /**
     * The current word of a generated sequence: the tokens since the last word boundary, candidate
     * included; a token for which {@code opensWord} holds (leading space, punctuation) starts a new word.
     */
    public static long[] currentWord(long[] generated, java.util.function.LongPredicate opensWord) {
        int start = generated.length - 1;
        while (start > 0 && !opensWord.test(generated[start])) {
            start--;
        }
        return java.util.Arrays.copyOfRange(generated, Math.max(start, 0), generated.length);
    }

    /** Word vector: the mean of the input-embedding rows of its tokens ({@code embedding[v]} = row v). */
    public static double[] wordVector(long[] tokens, java.util.function.LongFunction<double[]> embedding) {
        double[][] rows = new double[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            rows[i] = embedding.apply(tokens[i]);
        }
        return meanRows(rows);
    }

    /**
     * Filtered next-token log-distribution for likelihood metrics on a detected prompt [OURS]:
     * {@code log_softmax(z − pen)} with {@code pen_v = +∞} for blocked tokens and
     * {@code λ_tok·r_v + λ_sem·max(sim_v, 0)} otherwise, over the full vocabulary. Blocked tokens get
     * {@code −∞}; if every token is blocked the result is all {@code −∞} (the caller falls back).
     */
    public static double[] filteredLogProbs(double[] logits, boolean[] blocked, double[] penalty) {
        double[] z = new double[logits.length];
        boolean any = false;
        for (int v = 0; v < z.length; v++) {
            z[v] = blocked[v] ? Double.NEGATIVE_INFINITY : logits[v] - penalty[v];
            any |= !blocked[v];
        }
        if (!any) {
            return z;
        }
        return logSoftmax(z);
    }
}

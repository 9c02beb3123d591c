package dev.unlearn.core.generate;

import java.util.List;

/**
 * Semantic matching of candidate words against forbidden words (GUARD's soft matching, methods.md §9.2,
 * our substitute for SBERT) as a {@link LogitsProcessor}. The current word is the run of tokens since
 * the last word-opening token (a token that starts with a space or is punctuation) plus the candidate;
 * its vector is the mean of the model's input-embedding rows of those tokens, and
 *
 * <pre>
 *   sim_v = max_w cos(vec(word ++ v), w)      over the forbidden word vectors w
 * </pre>
 *
 * A candidate with {@code sim_v ≥ δ} is banned; otherwise {@code λ·max(sim_v, 0)} is subtracted from its
 * logit. Per call: one {@code V×d} product for the open word's prefix plus {@code V×|W|} cosines from
 * tables computed once.
 */
public final class SemanticFilter implements LogitsProcessor {
    private final float[][] embedding;
    private final boolean[] continues;
    private final double threshold;
    private final double penalty;
    private final double[][] forbidden;
    private final double[] forbiddenNorm;
    /** dot[v][j] = E[v]·w_j. */
    private final double[][] dot;
    private final double[] rowNormSq;

    /**
     * @param embedding input-embedding rows, {@code [V][d]}
     * @param forbiddenWords token sequences of the forbidden words (each becomes one mean vector)
     * @param continuesWord {@code continuesWord[v]} true when token {@code v} does not open a new word
     *     (null: every token opens a word, as with a word-level tokenizer)
     * @param threshold δ: ban at or above
     * @param penalty λ ≥ 0 for the soft penalty below δ
     */
    public SemanticFilter(float[][] embedding, List<long[]> forbiddenWords, boolean[] continuesWord, double threshold,
            double penalty) {
        this.embedding = embedding;
        int vocab = embedding.length;
        this.continues = continuesWord == null ? new boolean[vocab] : continuesWord.clone();
        if (continues.length != vocab) {
            throw new IllegalArgumentException("continuesWord has " + continues.length + " entries, vocabulary " + vocab);
        }
        this.threshold = threshold;
        this.penalty = penalty;
        this.forbidden = new double[forbiddenWords.size()][];
        this.forbiddenNorm = new double[forbidden.length];
        for (int j = 0; j < forbidden.length; j++) {
            forbidden[j] = wordVector(embedding, forbiddenWords.get(j));
            forbiddenNorm[j] = Math.sqrt(dotD(forbidden[j], forbidden[j]));
        }
        this.dot = new double[vocab][forbidden.length];
        this.rowNormSq = new double[vocab];
        for (int v = 0; v < vocab; v++) {
            float[] e = embedding[v];
            double n = 0;
            for (float f : e) {
                n += (double) f * f;
            }
            rowNormSq[v] = n;
            for (int j = 0; j < forbidden.length; j++) {
                double s = 0;
                for (int i = 0; i < e.length; i++) {
                    s += e[i] * forbidden[j][i];
                }
                dot[v][j] = s;
            }
        }
    }

    /** Mean of the embedding rows of {@code tokens}. */
    public static double[] wordVector(float[][] embedding, long[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a forbidden word has no tokens");
        }
        double[] out = new double[embedding[0].length];
        for (long t : tokens) {
            float[] e = embedding[(int) t];
            for (int i = 0; i < out.length; i++) {
                out[i] += e[i] / (double) tokens.length;
            }
        }
        return out;
    }

    @Override
    public void process(long[] seq, float[] logits) {
        double[] sim = similarities(seq);
        for (int v = 0; v < logits.length && v < sim.length; v++) {
            if (sim[v] >= threshold) {
                logits[v] = Float.NEGATIVE_INFINITY;
            } else if (penalty > 0 && sim[v] > 0) {
                logits[v] = (float) (logits[v] - penalty * sim[v]);
            }
        }
    }

    /** {@code sim_v} for every token given the sequence so far (−1 when there are no forbidden words). */
    public double[] similarities(long[] seq) {
        int vocab = embedding.length;
        double[] out = new double[vocab];
        java.util.Arrays.fill(out, -1);
        if (forbidden.length == 0) {
            return out;
        }
        // the open word: tokens after the last word opener, when the sequence ends inside a word
        int start = seq.length;
        while (start > 0 && continues[(int) seq[start - 1]]) {
            start--;
        }
        if (start > 0) {
            start--; // the opener itself belongs to the word
        }
        int n = seq.length - start;
        double[] prefix = new double[embedding[0].length];
        for (int i = start; i < seq.length; i++) {
            float[] e = embedding[(int) seq[i]];
            for (int k = 0; k < prefix.length; k++) {
                prefix[k] += e[k];
            }
        }
        double prefixNormSq = dotD(prefix, prefix);
        double[] prefixDotW = new double[forbidden.length];
        for (int j = 0; j < forbidden.length; j++) {
            prefixDotW[j] = dotD(prefix, forbidden[j]);
        }
        for (int v = 0; v < vocab; v++) {
            boolean inWord = continues[v] && n > 0;
            double normSq = rowNormSq[v];
            if (inWord) {
                double pe = 0;
                float[] e = embedding[v];
                for (int k = 0; k < prefix.length; k++) {
                    pe += prefix[k] * e[k];
                }
                normSq += prefixNormSq + 2 * pe;
            }
            double norm = Math.sqrt(Math.max(normSq, 0));
            double best = -1;
            for (int j = 0; j < forbidden.length; j++) {
                double d = dot[v][j] + (inWord ? prefixDotW[j] : 0);
                double c = norm == 0 || forbiddenNorm[j] == 0 ? 0 : d / (norm * forbiddenNorm[j]);
                best = Math.max(best, c);
            }
            out[v] = best;
        }
        return out;
    }

    private static double dotD(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

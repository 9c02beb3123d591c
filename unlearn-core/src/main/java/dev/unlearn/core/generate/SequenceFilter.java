package dev.unlearn.core.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * Exact matching of forbidden token sequences (GUARD's hard matching, methods.md §9.2) as a
 * {@link LogitsProcessor}. For each candidate token {@code v} the match ratio is
 *
 * <pre>
 *   r_v = max over s of k/|s|  for the largest k ≥ 1 such that (sequenceSoFar ++ [v]) ends with s[0..k)
 * </pre>
 *
 * A candidate with {@code r_v ≥ β} is banned ({@code −∞}); otherwise {@code λ·r_v} is subtracted from its
 * logit. With {@code β = 1} a token is banned exactly when it would complete a forbidden sequence (a
 * one-token sequence is banned outright); {@code β < 1} also bans long enough partial matches. Matching
 * runs over the whole sequence, prompt included. Cost per call: {@code O(Σ|s|²)}, independent of the
 * vocabulary size.
 */
public final class SequenceFilter implements LogitsProcessor {
    private final List<long[]> sequences;
    private final double beta;
    private final double penalty;

    /**
     * @param sequences forbidden token sequences (each non-empty)
     * @param beta ban threshold on the match ratio, in (0, 1]
     * @param penalty λ ≥ 0 subtracted per unit of match ratio below β (0: bans only)
     */
    public SequenceFilter(List<long[]> sequences, double beta, double penalty) {
        if (!(beta > 0 && beta <= 1) || !(penalty >= 0)) {
            throw new IllegalArgumentException("beta must be in (0, 1] and penalty ≥ 0, got " + beta + ", " + penalty);
        }
        List<long[]> c = new ArrayList<>();
        for (long[] s : sequences) {
            if (s.length == 0) {
                throw new IllegalArgumentException("a forbidden sequence is empty");
            }
            c.add(s.clone());
        }
        this.sequences = List.copyOf(c);
        this.beta = beta;
        this.penalty = penalty;
    }

    /** A plain ban list of token sequences (β = 1, no soft penalty). */
    public static SequenceFilter ban(List<long[]> sequences) {
        return new SequenceFilter(sequences, 1.0, 0.0);
    }

    /** Number of forbidden sequences. */
    public int size() {
        return sequences.size();
    }

    @Override
    public void process(long[] seq, float[] logits) {
        double[] r = ratios(seq, logits.length);
        for (int v = 0; v < logits.length; v++) {
            if (r[v] == 0) {
                continue;
            }
            if (r[v] >= beta) {
                logits[v] = Float.NEGATIVE_INFINITY;
            } else if (penalty > 0) {
                logits[v] = (float) (logits[v] - penalty * r[v]);
            }
        }
    }

    /** Match ratio {@code r_v} of every candidate token (0 where no sequence matches). */
    public double[] ratios(long[] seq, int vocab) {
        double[] r = new double[vocab];
        for (long[] s : sequences) {
            for (int k = 1; k <= s.length; k++) {
                long v = s[k - 1];
                if (v < 0 || v >= vocab || !endsWith(seq, s, k - 1)) {
                    continue;
                }
                r[(int) v] = Math.max(r[(int) v], (double) k / s.length);
            }
        }
        return r;
    }

    private static boolean endsWith(long[] seq, long[] s, int n) {
        if (n > seq.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (seq[seq.length - n + i] != s[i]) {
                return false;
            }
        }
        return true;
    }
}

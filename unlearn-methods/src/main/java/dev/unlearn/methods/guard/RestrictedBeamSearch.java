package dev.unlearn.methods.guard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One step of GUARD's restricted beam search (methods.md §9.2, "Online") [OURS]: expand each live beam
 * by its top {@code candidates_per_beam} tokens, hard-block candidates whose match ratio reaches β or
 * whose semantic similarity reaches δ, score the rest by
 * {@code score + log p − λ_tok·r − λ_sem·max(sim, 0)}, and keep the best {@code beam_width} (finished
 * beams compete unchanged). An empty result means every candidate was blocked: use the refusal fallback.
 * The logits come from the caller's model (KV caches are the caller's: reorder them by
 * {@link Beam#parent()}).
 */
public final class RestrictedBeamSearch {
    private RestrictedBeamSearch() {}

    /**
     * A hypothesis.
     *
     * @param tokens generated tokens
     * @param score summed log-probs minus penalties (no length normalisation)
     * @param done ended with EOS
     * @param parent index of the beam it extends in the previous step's list (−1 for the start)
     */
    public record Beam(long[] tokens, double score, boolean done, int parent) {
        public static Beam start() {
            return new Beam(new long[0], 0, false, -1);
        }
    }

    /** Scores a candidate continuation {@code g = beam.tokens ++ [v]}. */
    public interface CandidateCheck {
        /** Largest match ratio of g against the forbidden sequences. */
        double matchRatio(long[] g);

        /** Semantic similarity of g's current word to the forbidden words. */
        double similarity(long[] g);
    }

    /**
     * Advances the beams one token.
     *
     * @param logits one logits row per beam in {@code beams} (ignored for finished beams; may be null there)
     */
    public static List<Beam> step(List<Beam> beams, List<double[]> logits, GuardConfig c, long eosId,
            CandidateCheck check) {
        List<Beam> cands = new ArrayList<>();
        for (int bi = 0; bi < beams.size(); bi++) {
            Beam b = beams.get(bi);
            if (b.done()) {
                cands.add(new Beam(b.tokens(), b.score(), true, bi));
                continue;
            }
            double[] logp = GuardMath.logSoftmax(logits.get(bi));
            for (int v : topIndices(logp, c.candidatesPerBeam())) {
                long[] g = Arrays.copyOf(b.tokens(), b.tokens().length + 1);
                g[g.length - 1] = v;
                double r = check.matchRatio(g);
                if (r >= c.beta()) {
                    continue;
                }
                double sim = check.similarity(g);
                if (sim >= c.semanticThreshold()) {
                    continue;
                }
                double score = b.score() + logp[v] - c.tokenPenalty() * r - c.semanticPenalty() * Math.max(sim, 0);
                cands.add(new Beam(g, score, v == eosId, bi));
            }
        }
        cands.sort(Comparator.comparingDouble(Beam::score).reversed());
        return List.copyOf(cands.subList(0, Math.min(c.beamWidth(), cands.size())));
    }

    /** Indices of the k largest values, largest first (ties: lower index first). */
    public static int[] topIndices(double[] x, int k) {
        return IntStream.range(0, x.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -x[i]).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }
}

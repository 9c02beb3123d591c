package dev.unlearn.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.KvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Beam search with restrictions (GUARD's decoding, methods.md §9.2 "Online"): per step, each live
 * beam's logits pass through the <em>shaping</em> processors (e.g. refusal steering), then
 * {@code log p = log_softmax(z)} in float64 ranks the top {@code candidatesPerBeam} tokens. The
 * <em>restriction</em> processors run on a copy of the shaped logits: a candidate they set to
 * {@code −∞} is blocked, any other change {@code Δ_v = z'_v − z_v} is added to its score, so a
 * restriction that subtracts {@code λ·r} is a soft penalty. A candidate scores
 * {@code beam.score + log p_v + Δ_v}; finished beams compete unchanged; the best {@code width} survive
 * (no length normalisation). When every candidate of a step is blocked the search gives up and
 * returns empty (the caller's fallback, e.g. a refusal).
 *
 * <p>All beams run as one batch: the prompt is prefilled once (batch 1), the cache is expanded to the
 * beams and reordered with {@link KvCache#reorder} after each selection, so each beam keeps its own
 * keys and values. Finished beams keep a row in the batch (fed their stop token) and are ignored.
 */
public final class BeamSearch {
    private BeamSearch() {}

    /**
     * Beam-search settings.
     *
     * @param width beams kept per step (B ≥ 1)
     * @param candidatesPerBeam top tokens expanded per live beam (≥ 1; GUARD default 2B)
     * @param maxNewTokens most tokens to generate (≥ 1)
     * @param stopTokenIds ids that finish a beam (kept in its output); null = the model's EOS ids
     */
    public record Config(int width, int candidatesPerBeam, int maxNewTokens, Set<Long> stopTokenIds) {
        public Config {
            if (width < 1 || candidatesPerBeam < 1 || maxNewTokens < 1) {
                throw new IllegalArgumentException("width, candidatesPerBeam and maxNewTokens must be ≥ 1, got "
                        + width + ", " + candidatesPerBeam + ", " + maxNewTokens);
            }
            stopTokenIds = stopTokenIds == null ? null : Set.copyOf(stopTokenIds);
        }
    }

    /**
     * A hypothesis.
     *
     * @param tokens generated tokens (prompt excluded)
     * @param score summed log-probabilities plus restriction deltas
     * @param done ended with a stop token
     * @param parent index of the beam it extends in the previous list (−1 at the start)
     */
    public record Beam(long[] tokens, double score, boolean done, int parent) {
        /** The empty start hypothesis. */
        public static Beam start() {
            return new Beam(new long[0], 0, false, -1);
        }
    }

    /**
     * Runs the search; returns the best beam's tokens, or empty when every candidate of some step was
     * blocked.
     *
     * @param shaping processors applied before the log-softmax (may be empty)
     * @param restrictions processors whose {@code −∞} blocks and whose other changes add to the score
     */
    public static Optional<long[]> generate(CausalLm model, long[] prompt, Config cfg, List<LogitsProcessor> shaping,
            List<LogitsProcessor> restrictions) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt: pass at least a BOS token");
        }
        LogitsProcessor shape = LogitsProcessor.chain(shaping == null ? List.of() : shaping);
        LogitsProcessor restrict = LogitsProcessor.chain(restrictions == null ? List.of() : restrictions);
        Set<Long> stop = cfg.stopTokenIds() != null ? cfg.stopTokenIds() : eos(model);
        long fill = stop.isEmpty() ? prompt[prompt.length - 1] : stop.iterator().next();
        List<Beam> beams = List.of(Beam.start());
        try (NDManager gen = model.manager().newSubManager(); KvCache cache = model.newCache(gen)) {
            float[][] rows = forward(model, gen, cache, new long[][] {prompt});
            for (int step = 0; step < cfg.maxNewTokens(); step++) {
                List<float[]> logits = new ArrayList<>();
                for (int b = 0; b < beams.size(); b++) {
                    long[] seq = concat(prompt, beams.get(b).tokens());
                    float[] z = rows[b].clone();
                    shape.process(seq, z);
                    logits.add(z);
                }
                List<Beam> next = step(beams, logits, prompt, cfg, stop, restrict);
                if (next.isEmpty()) {
                    return Optional.empty();
                }
                beams = next;
                if (beams.stream().allMatch(Beam::done) || step == cfg.maxNewTokens() - 1) {
                    break;
                }
                long[] parents = beams.stream().mapToLong(Beam::parent).toArray();
                cache.reorder(parents);
                long[][] last = new long[beams.size()][];
                for (int b = 0; b < beams.size(); b++) {
                    Beam bm = beams.get(b);
                    last[b] = new long[] {bm.done() ? fill : bm.tokens()[bm.tokens().length - 1]};
                }
                rows = forward(model, gen, cache, last);
            }
        }
        return Optional.of(beams.get(0).tokens());
    }

    /**
     * One selection step on given (already shaped) logits: the spec's candidate rule, testable without a
     * model. {@code logits.get(b)} is ignored for finished beams.
     *
     * @param prompt prepended to each beam's tokens before the restrictions see the sequence
     * @return the best {@code cfg.width()} hypotheses, best first; empty when every candidate was blocked
     */
    public static List<Beam> step(List<Beam> beams, List<float[]> logits, long[] prompt, Config cfg, Set<Long> stop,
            LogitsProcessor restrict) {
        List<Beam> cands = new ArrayList<>();
        for (int bi = 0; bi < beams.size(); bi++) {
            Beam b = beams.get(bi);
            if (b.done()) {
                cands.add(new Beam(b.tokens(), b.score(), true, bi));
                continue;
            }
            float[] z = logits.get(bi);
            double[] logp = logSoftmax(z);
            float[] r = z.clone();
            restrict.process(concat(prompt, b.tokens()), r);
            for (int v : topIndices(logp, cfg.candidatesPerBeam())) {
                if (r[v] == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                double delta = (double) r[v] - (double) z[v];
                long[] g = Arrays.copyOf(b.tokens(), b.tokens().length + 1);
                g[g.length - 1] = v;
                cands.add(new Beam(g, b.score() + logp[v] + delta, stop.contains((long) v), bi));
            }
        }
        cands.sort(Comparator.comparingDouble(Beam::score).reversed());
        return List.copyOf(cands.subList(0, Math.min(cfg.width(), cands.size())));
    }

    /** Max-shifted log-softmax in float64 (each float widened exactly, then {@link #logSoftmax(double[])}). */
    public static double[] logSoftmax(float[] z) {
        double[] d = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            d[i] = z[i];
        }
        return logSoftmax(d);
    }

    /** Max-shifted log-softmax of one logits row in float64: {@code z − (max + log Σ exp(z − max))}. */
    public static double[] logSoftmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = z[i] - lse;
        }
        return out;
    }

    /** Indices of the {@code k} largest finite values, largest first (ties: lower index first). */
    public static int[] topIndices(double[] x, int k) {
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < x.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> -x[i]).thenComparingInt(i -> i));
        return Arrays.stream(idx).limit(k).filter(i -> x[i] != Double.NEGATIVE_INFINITY).mapToInt(Integer::intValue)
                .toArray();
    }

    private static float[][] forward(CausalLm model, NDManager gen, KvCache cache, long[][] ids) {
        int b = ids.length;
        int t = ids[0].length;
        long[] flat = new long[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(ids[i], 0, flat, i * t, t);
        }
        try (NDManager s = gen.newSubManager()) {
            NDArray x = s.create(flat, new Shape(b, t));
            NDArray logits = model.forwardIncremental(x, cache).logits();
            NDArray lastRow = logits.get(new NDIndex(":, -1, :")).toType(DataType.FLOAT32, false);
            int v = Math.toIntExact(lastRow.getShape().get(1));
            float[] all = lastRow.toFloatArray();
            float[][] out = new float[b][];
            for (int i = 0; i < b; i++) {
                out[i] = Arrays.copyOfRange(all, i * v, (i + 1) * v);
            }
            return out;
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Set<Long> eos(CausalLm model) {
        Set<Long> s = new HashSet<>();
        for (Integer i : model.config().eosTokenIds()) {
            s.add(i.longValue());
        }
        return s;
    }
}

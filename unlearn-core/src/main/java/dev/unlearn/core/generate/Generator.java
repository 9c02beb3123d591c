package dev.unlearn.core.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.KvCache;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Autoregressive decoding with the model's key/value cache: the prompt is run once, then one token
 * per step. Each step's logits pass through the {@link LogitsProcessor} chain, then greedy argmax
 * (first maximum) or seeded temperature/top-p sampling picks the token. All native memory lives in
 * one manager closed on return.
 */
public final class Generator {
    private Generator() {}

    /** Generates up to {@code cfg.maxNewTokens()} tokens after {@code prompt}; returns only the new ones. */
    public static long[] generate(CausalLm model, long[] prompt, GenerationConfig cfg,
            List<LogitsProcessor> processors) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt: pass at least a BOS token");
        }
        LogitsProcessor chain = LogitsProcessor.chain(processors == null ? List.of() : processors);
        Set<Long> stop = cfg.stopTokenIds() != null ? cfg.stopTokenIds() : eos(model);
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        long[] seq = Arrays.copyOf(prompt, prompt.length + cfg.maxNewTokens());
        int len = prompt.length;
        try (NDManager gen = model.manager().newSubManager(); KvCache cache = model.newCache(gen)) {
            float[] logits = step(model, gen, cache, prompt);
            while (true) {
                long[] soFar = Arrays.copyOf(seq, len);
                chain.process(soFar, logits);
                long next = cfg.greedy() ? argmax(logits) : sample(logits, cfg.temperature(), cfg.topP(), rnd);
                seq[len++] = next;
                if (stop.contains(next) || len - prompt.length >= cfg.maxNewTokens()) {
                    break;
                }
                logits = step(model, gen, cache, new long[] {next});
            }
        }
        return Arrays.copyOfRange(seq, prompt.length, len);
    }

    private static float[] step(CausalLm model, NDManager gen, KvCache cache, long[] ids) {
        try (NDManager s = gen.newSubManager()) {
            NDArray x = s.create(ids, new Shape(1, ids.length));
            NDArray logits = model.forwardIncremental(x, cache).logits();
            return logits.get(new NDIndex("0, -1, :")).toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    private static Set<Long> eos(CausalLm model) {
        Set<Long> s = new HashSet<>();
        for (Integer i : model.config().eosTokenIds()) {
            s.add(i.longValue());
        }
        return s;
    }

    /** Index of the first maximum. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Samples from softmax(logits / temperature) restricted to the top-p nucleus. */
    public static int sample(float[] logits, double temperature, double topP, SplittableRandom rnd) {
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float f : logits) {
            max = Math.max(max, f);
        }
        double[] p = new double[n];
        double z = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            z += p[i];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            p[i] /= z;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double mass = 0;
        int keep = 0;
        while (keep < n && (keep == 0 || mass < topP)) {
            mass += p[order[keep++]];
        }
        double u = rnd.nextDouble() * mass;
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += p[order[i]];
            if (u < acc) {
                return order[i];
            }
        }
        return order[keep - 1];
    }
}

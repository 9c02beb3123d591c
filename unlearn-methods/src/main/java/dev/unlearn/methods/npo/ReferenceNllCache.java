package dev.unlearn.methods.npo;

import dev.unlearn.core.data.TokenizedExample;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code NLL_sum} of π_ref per forget sample (methods.md §1.3), computed once and reused every step,
 * keyed by the sample id <em>and</em> a SHA-256 of its token ids and prompt length: a re-tokenised
 * sample (another template, another EOS rule) misses the cache instead of silently reusing a stale
 * value. Holds Java doubles only, no native memory.
 */
public final class ReferenceNllCache {
    private final Map<String, Double> values = new ConcurrentHashMap<>();

    /** The cache key of an example ({@link TokenizedExample#contentKey()}). */
    public static String key(TokenizedExample e) {
        return e.contentKey();
    }

    public OptionalDouble get(TokenizedExample e) {
        Double v = values.get(key(e));
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    public void put(TokenizedExample e, double nllSum) {
        if (!Double.isFinite(nllSum)) {
            throw new IllegalArgumentException("reference NLL of sample " + e.id() + " is not finite: " + nllSum);
        }
        values.put(key(e), nllSum);
    }

    public int size() {
        return values.size();
    }
}

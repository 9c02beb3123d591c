package dev.unlearn.core.generate;

import java.util.Set;

/**
 * Decoding settings.
 *
 * @param maxNewTokens most tokens to generate (at least 1)
 * @param greedy argmax decoding when true; otherwise sampling
 * @param temperature softmax temperature for sampling (&gt; 0)
 * @param topP nucleus mass for sampling, in (0, 1]
 * @param seed RNG seed for sampling (same seed, same tokens)
 * @param stopTokenIds ids that end generation (the stop token is included in the output); null means
 *     the model's {@code eos_token_id}s, empty means never stop early
 */
public record GenerationConfig(int maxNewTokens, boolean greedy, double temperature, double topP, long seed,
        Set<Long> stopTokenIds) {
    public GenerationConfig {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        if (!greedy && !(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        if (!greedy && !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        stopTokenIds = stopTokenIds == null ? null : Set.copyOf(stopTokenIds);
    }

    /** Greedy decoding stopping at the model's EOS. */
    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, true, 1.0, 1.0, 0L, null);
    }

    /** Temperature/top-p sampling with a seed, stopping at the model's EOS. */
    public static GenerationConfig sampling(int maxNewTokens, double temperature, double topP, long seed) {
        return new GenerationConfig(maxNewTokens, false, temperature, topP, seed, null);
    }

    /** The same settings with explicit stop ids (empty: never stop early). */
    public GenerationConfig withStopTokens(Set<Long> ids) {
        return new GenerationConfig(maxNewTokens, greedy, temperature, topP, seed, ids);
    }
}

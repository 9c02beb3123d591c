/**
 * Decoding: {@link dev.unlearn.core.generate.Generator} (greedy and seeded temperature/top-p sampling
 * over the KV cache), {@link dev.unlearn.core.generate.GenerationConfig} and the
 * {@link dev.unlearn.core.generate.LogitsProcessor} chain that generation-time methods plug into.
 * Uses {@code model}.
 */
package dev.unlearn.core.generate;

/**
 * Decoding: {@link dev.unlearn.core.generate.Generator} (greedy and seeded temperature/top-p sampling
 * over the KV cache), {@link dev.unlearn.core.generate.GenerationConfig}, the
 * {@link dev.unlearn.core.generate.LogitsProcessor} chain that generation-time methods plug into, and
 * {@link dev.unlearn.core.generate.BeamSearch} (batched beams, one cache row per beam, reordered).
 *
 * <p>Decoding filters, usable on their own in either decoder: {@link
 * dev.unlearn.core.generate.SequenceFilter} (ban or softly penalise multi-token sequences),
 * {@link dev.unlearn.core.generate.SemanticFilter} (ban or penalise words whose input-embedding vector
 * is close to forbidden words), {@link dev.unlearn.core.generate.TemplateSteering} (steer towards a
 * template answer such as a refusal), and {@link dev.unlearn.core.generate.LogitsProcessor#banTokens}.
 * GUARD ({@code unlearn-methods}, {@code dev.unlearn.methods.guard}) composes them. Uses {@code model}.
 */
package dev.unlearn.core.generate;

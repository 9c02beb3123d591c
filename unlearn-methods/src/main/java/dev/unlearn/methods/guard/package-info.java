/**
 * {@code guard}: generation-time unlearning (methods.md §9). Offline, {@link
 * dev.unlearn.methods.guard.GuardFilterBuilder} trains the {@link dev.unlearn.methods.guard.PromptDetector}
 * on the model's own mean-pooled hidden states, extracts forbidden token sequences
 * ({@link dev.unlearn.methods.guard.ForbiddenPhrases}) and retrieval embeddings, calibrates δ and writes a
 * {@link dev.unlearn.methods.guard.GuardFilter} file (no raw text). Online, {@link
 * dev.unlearn.methods.guard.Guard} detects, retrieves and decodes detected prompts with core's restricted
 * beam search ({@code dev.unlearn.core.generate.BeamSearch}); other prompts decode exactly as without
 * GUARD. {@link dev.unlearn.methods.guard.GuardMath} holds the spec's formulas; the beam-step test vectors
 * run through core's {@code BeamSearch.step}.
 */
package dev.unlearn.methods.guard;

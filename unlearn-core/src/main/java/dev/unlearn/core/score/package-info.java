/**
 * Scoring: the label-shift log-prob kernel {@link dev.unlearn.core.score.TokenLogProbs} and the
 * batched per-sample scorer {@link dev.unlearn.core.score.Scorer} every evaluator and method shares.
 * Uses {@code model} and {@code data}.
 */
package dev.unlearn.core.score;

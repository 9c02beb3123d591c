package dev.unlearn.core.score;

/**
 * Score of a whole id sequence.
 *
 * @param sequenceLogprob sum over t of log p(ids[t+1] | ids[0..t])
 * @param lastLogits the vocabulary logits at the last position
 */
public record SequenceScore(double sequenceLogprob, float[] lastLogits) {}

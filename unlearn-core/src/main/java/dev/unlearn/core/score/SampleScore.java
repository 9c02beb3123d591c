package dev.unlearn.core.score;

/**
 * Log-likelihood of one example's target tokens given its prompt.
 *
 * @param id the example's id
 * @param sumNll minus the sum of target-token log-probs (nats)
 * @param meanNll sumNll / tokenCount (NaN when there are no target tokens)
 * @param tokenCount number of scored target tokens
 * @param tokenLogProbs log p(target token | prefix), in order
 */
public record SampleScore(String id, double sumNll, double meanNll, int tokenCount, double[] tokenLogProbs) {}

package dev.unlearn.core.score;

/**
 * Per-target-token statistics of the model's next-token distribution, as Min-K%++ needs
 * (Zhang et al. 2024, arXiv:2404.02936): for target token x_t with prefix x_&lt;t and p = p(. | x_&lt;t),
 * {@code logProb[t] = log p(x_t)}, {@code mean[t] = E_{z~p} log p(z)},
 * {@code std[t] = sqrt(E_{z~p} (log p(z))^2 - mean[t]^2)}; the Min-K%++ token score is
 * {@code (logProb - mean) / std}.
 *
 * @param id the example's id
 * @param logProb log-prob of each target token
 * @param mean expected log-prob under the model's own distribution at that position
 * @param std standard deviation of the log-prob under that distribution
 */
public record TokenVocabStats(String id, double[] logProb, double[] mean, double[] std) {}

package dev.unlearn.eval.tofu;

import dev.unlearn.core.InvalidInputException;

/**
 * Per-sample answer loss fields of a TOFU log from the per-token log-probs of the scored tokens.
 *
 * <p>Reference matched: TOFU {@code get_batch_loss} / OU {@code evaluate_probability}; spec §1.3.
 * {@code S = −Σ_t log p(y_t)} over scored tokens ({@code gt_loss}), {@code N} = their count
 * ({@code num_token_gt}), {@code L = S/N} ({@code avg_gt_loss}). The log-probs are those of §1.3,
 * EOS label included; {@code N = 0} is rejected naming the sample.
 *
 * @param sum {@code S}
 * @param count {@code N}
 * @param mean {@code L = S/N}
 */
public record AnswerLoss(double sum, int count, double mean) {
    /**
     * Builds the loss fields of one sample.
     *
     * @param sampleKey the row index, for error messages
     * @param tokenLogProbs natural-log probabilities of the scored tokens, in order
     */
    public static AnswerLoss of(String sampleKey, double[] tokenLogProbs) {
        if (tokenLogProbs.length == 0) {
            throw new InvalidInputException("sample " + sampleKey + " has no scored answer token (N = 0); "
                    + "the answer was truncated away or the prompt covers the whole sequence");
        }
        double s = 0.0;
        for (double lp : tokenLogProbs) {
            s -= lp;
        }
        return new AnswerLoss(s, tokenLogProbs.length, s / tokenLogProbs.length);
    }
}

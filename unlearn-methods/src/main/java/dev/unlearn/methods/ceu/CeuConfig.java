package dev.unlearn.methods.ceu;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.MethodConfig;

/**
 * Keys of {@code ceu} (docs/methods-parity.md §P4; OU {@code configs/trainer/CEU.yaml}).
 *
 * <pre>
 *   q_t = softmax(sg(z_t) with z_t[l_{t+1}] = −∞)          (sg: no gradient; the true token gets probability 0)
 *   L   = (1/|A'|) Σ_{t∈A'} − Σ_v q_t(v) · log softmax(z_t)(v)
 * </pre>
 *
 * {@code A'} is the answer set A without the first {@code ignore_first_n_answer_tokens} targets of each
 * sample. Forget data only. Paper: Yang et al., "CE-U: Cross Entropy Unlearning",
 * <a href="https://arxiv.org/abs/2503.01224">arXiv:2503.01224</a> (the skipped first tokens: its footnote
 * in "Training Settings").
 *
 * @param ignoreFirstNAnswerTokens (key {@code ignore_first_n_answer_tokens}, spelled out because the snake-case
 *     mapping would give {@code ignore_first_nanswer_tokens}) targets skipped at the start of each answer, default 1, ≥ 0
 */
public record CeuConfig(@JsonProperty("ignore_first_n_answer_tokens") int ignoreFirstNAnswerTokens)
        implements MethodConfig {
    public CeuConfig {
        ConfigChecks.atLeast("ignore_first_n_answer_tokens", ignoreFirstNAnswerTokens, 0);
    }

    public static CeuConfig defaults() {
        return new CeuConfig(1);
    }
}

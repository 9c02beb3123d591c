package dev.unlearn.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.score.TokenLogProbs;
import java.util.List;

/**
 * Supervised fine-tuning of a {@link CausalLm} on answer tokens: the objective is the Hugging Face
 * {@code outputs.loss} of a batch, i.e. the pooled token mean {@code Σ NLL / Σ |A|} over the answer
 * positions of every sample (methods.md §0 {@code NLL_pool}).
 */
public final class FineTune {
    private FineTune() {}

    /** Pooled answer-token NLL of the step's {@code "train"} batch under {@code model}. */
    public static Objective objective(CausalLm model) {
        return ctx -> pooledNll(model, ctx.batch("train"), ctx.manager());
    }

    /** {@code Σ_b NLL_sum,b / Σ_b |A_b|} of one batch, a scalar in {@code m}. */
    public static NDArray pooledNll(CausalLm model, Batch b, NDManager m) {
        NDArray logits = model.forward(b.inputIds(m), b.attentionMask(m), false).logits();
        TokenLogProbs.Result lp = TokenLogProbs.ofConsumed(logits, b.labels(m));
        return lp.logProbs().sum().neg().div(lp.mask().sum());
    }

    /** Trains {@code model} in place on {@code examples} (shuffled batches, seeded by the config's seed). */
    public static TrainingLoop.Result run(CausalLm model, List<TokenizedExample> examples, int batchSize, long padId,
            TrainingConfig config, TrainingLoop.Listener... listeners) {
        return run(model, examples, batchSize, 0, padId, config, listeners);
    }

    /**
     * Trains {@code model} in place on {@code examples} in shuffled micro-batches of at most
     * {@code batchSize} rows and {@code maxTokens} padded tokens ({@code max_batch_tokens}, 0 = off). The
     * loss of each micro-batch is its pooled token mean as without a budget.
     */
    public static TrainingLoop.Result run(CausalLm model, List<TokenizedExample> examples, int batchSize, int maxTokens,
            long padId, TrainingConfig config, TrainingLoop.Listener... listeners) {
        if (examples.isEmpty()) {
            throw new InvalidInputException("fine-tuning data is empty");
        }
        TrainingLoop loop = new TrainingLoop(config, model.parameters(),
                BatchSource.shuffled(examples, batchSize, maxTokens, padId, config.seed()), objective(model));
        for (TrainingLoop.Listener l : listeners) {
            loop.addListener(l);
        }
        return loop.run();
    }

    /** Teacher-forced answer-token accuracy (arg-max equals the label) over {@code examples}. */
    public static double answerTokenAccuracy(CausalLm model, List<TokenizedExample> examples, long padId) {
        long correct = 0;
        long total = 0;
        for (int from = 0; from < examples.size(); from += 32) {
            Batch b = new Batch(examples.subList(from, Math.min(examples.size(), from + 32)), padId);
            try (NDManager s = model.manager().newSubManager()) {
                NDArray logits = model.forward(b.inputIds(s), b.attentionMask(s), false).logits();
                long[] pred = logits.argMax(-1).toLongArray();
                long[] labels = b.labels(s).toLongArray();
                int w = b.width();
                for (int i = 0; i < b.size(); i++) {
                    for (int t = 0; t + 1 < w; t++) {
                        long y = labels[i * w + t + 1];
                        if (y != TokenizedExample.IGNORE) {
                            total++;
                            correct += pred[i * w + t] == y ? 1 : 0;
                        }
                    }
                }
            }
        }
        return total == 0 ? 0 : (double) correct / total;
    }
}

package dev.unlearn.core.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LmOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-sample log-likelihood of answers given prompts, the one scoring path evaluators and methods share.
 * Examples are scored in right-padded {@link Batch}es, each in its own child manager that is closed
 * before the next, so native memory stays flat however many examples are scored. Padding is masked
 * out of attention and labels, so a padded batch scores the same as each example alone.
 */
public final class Scorer {
    private Scorer() {}

    /** Scores {@code examples} in batches of {@code batchSize}, in input order. */
    public static List<SampleScore> score(CausalLm model, List<TokenizedExample> examples, int batchSize) {
        return score(model, examples, batchSize, 0);
    }

    /**
     * Scores {@code examples} in input order, in batches of at most {@code batchSize} rows and
     * {@code maxTokens} padded tokens ({@code max_batch_tokens}, 0 = off; cut as {@link Batches} cuts,
     * a longer row alone). The budget moves only where batches are cut, not what a sample scores.
     */
    public static List<SampleScore> score(CausalLm model, List<TokenizedExample> examples, int batchSize, int maxTokens) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        long pad = padId(model);
        List<SampleScore> out = new ArrayList<>(examples.size());
        int[] order = new int[examples.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int[] at = Batches.cuts(batchSize, maxTokens, Batches.lengths(examples, order));
        for (int b = 0; b + 1 < at.length; b++) {
            List<TokenizedExample> chunk = examples.subList(at[b], at[b + 1]);
            Batch batch = new Batch(chunk, pad);
            try (NDManager step = model.manager().newSubManager()) {
                NDArray ids = batch.inputIds(step);
                LmOutput o = model.forward(ids, batch.attentionMask(step), false);
                TokenLogProbs.Result r = TokenLogProbs.of(o.logits(), batch.labels(step));
                int w = batch.width() - 1;
                double[] lp = w == 0 ? new double[0] : r.logProbs().toType(DataType.FLOAT64, false).toDoubleArray();
                for (int i = 0; i < chunk.size(); i++) {
                    TokenizedExample e = chunk.get(i);
                    int n = e.targetCount();
                    double[] tok = new double[n];
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        tok[j] = lp[i * w + e.promptLength() - 1 + j];
                        sum += tok[j];
                    }
                    out.add(new SampleScore(e.id(), -sum, n == 0 ? Double.NaN : -sum / n, n, tok));
                }
            }
        }
        return out;
    }

    /**
     * Min-K%++ statistics of every target token (see {@link TokenVocabStats}), batched and padded as
     * {@link #score}.
     */
    public static List<TokenVocabStats> vocabStats(CausalLm model, List<TokenizedExample> examples, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        long pad = padId(model);
        List<TokenVocabStats> out = new ArrayList<>(examples.size());
        for (int from = 0; from < examples.size(); from += batchSize) {
            List<TokenizedExample> chunk = examples.subList(from, Math.min(examples.size(), from + batchSize));
            Batch batch = new Batch(chunk, pad);
            try (NDManager step = model.manager().newSubManager()) {
                NDArray logits = model.forward(batch.inputIds(step), batch.attentionMask(step), false).logits();
                int w = batch.width() - 1;
                double[] lp = new double[0];
                double[] mu = new double[0];
                double[] sd = new double[0];
                if (w > 0) {
                    lp = TokenLogProbs.of(logits, batch.labels(step)).logProbs().toType(DataType.FLOAT64, false)
                            .toDoubleArray();
                    NDArray logSm = logits.get(new NDIndex(":, :{}, :", w)).toType(DataType.FLOAT64, false)
                            .logSoftmax(-1);
                    NDArray p = logSm.exp();
                    NDArray mean = p.mul(logSm).sum(new int[] {-1});
                    NDArray second = p.mul(logSm.square()).sum(new int[] {-1});
                    mu = mean.toDoubleArray();
                    sd = Scalars.maximum(second.sub(mean.square()), 0).sqrt().toDoubleArray();
                }
                for (int i = 0; i < chunk.size(); i++) {
                    TokenizedExample e = chunk.get(i);
                    int n = e.targetCount();
                    int off = i * w + e.promptLength() - 1;
                    out.add(new TokenVocabStats(e.id(), java.util.Arrays.copyOfRange(lp, off, off + n),
                            java.util.Arrays.copyOfRange(mu, off, off + n), java.util.Arrays.copyOfRange(sd, off, off + n)));
                }
            }
        }
        return out;
    }

    /** Sequence log-prob and last-position logits of one id sequence. */
    public static SequenceScore scoreIds(CausalLm model, long[] ids) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("empty id sequence");
        }
        try (NDManager step = model.manager().newSubManager()) {
            NDArray x = step.create(ids, new Shape(1, ids.length));
            NDArray logits = model.forward(x, null, false).logits();
            double sum = 0;
            if (ids.length > 1) {
                TokenLogProbs.Result r = TokenLogProbs.of(logits, x);
                for (double v : r.logProbs().toType(DataType.FLOAT64, false).toDoubleArray()) {
                    sum += v;
                }
            }
            float[] last = logits.get(new NDIndex("0, -1, :")).toType(DataType.FLOAT32, false).toFloatArray();
            return new SequenceScore(sum, last);
        }
    }

    private static long padId(CausalLm model) {
        Integer p = model.config().padTokenId();
        if (p != null) {
            return p;
        }
        return model.config().eosTokenIds().isEmpty() ? 0 : model.config().eosTokenIds().get(0);
    }
}

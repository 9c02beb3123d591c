package dev.unlearn.eval.leakage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.Layers;
import dev.unlearn.core.model.LmOutput;
import dev.unlearn.core.model.ParameterTable;
import java.util.List;
import java.util.Map;

/**
 * Logit lens: every layer's hidden state at the last prompt position is projected through the final
 * norm and the LM head (the last entry of the hidden states is already normed); the answer's first
 * token gets a probability and a rank (0 = arg-max) per layer. Per item the best layer counts (highest
 * probability). Score = mean best-layer probability; details {@code rank} (mean best rank),
 * {@code top1} (share of items with rank 0 at some layer), {@code best_layer} (mean best layer index;
 * 0 = embeddings).
 */
public final class LogitLensAttack implements LeakageAttack {
    @Override
    public String name() {
        return "logit_lens";
    }

    @Override
    public String description() {
        return "best layer's probability of the answer's first token (hidden state through final norm and head)";
    }

    @Override
    public Score run(CausalLm model, AnswerScoring s) {
        Map<String, NDArray> p = model.parameters();
        NDArray norm = p.get(ParameterTable.NORM);
        NDArray head = model.config().tieWordEmbeddings() ? p.get(ParameterTable.EMBED) : p.get(ParameterTable.LM_HEAD);
        double eps = model.config().rmsNormEps();
        double probSum = 0;
        double rankSum = 0;
        double layerSum = 0;
        int top1 = 0;
        int n = 0;
        for (LeakageItem it : s.items()) {
            TokenizedExample e = s.example(it.id(), s.direct(it), it.answer());
            if (e == null) {
                continue;
            }
            long target = e.inputIds()[e.promptLength()];
            long[] prompt = java.util.Arrays.copyOf(e.inputIds(), e.promptLength());
            try (NDManager m = model.manager().newSubManager()) {
                LmOutput o = model.forward(m.create(prompt, new Shape(1, prompt.length)), null, true);
                List<NDArray> hs = o.hiddenStates();
                double best = -1;
                long bestRank = Long.MAX_VALUE;
                int bestLayer = 0;
                for (int l = 0; l < hs.size(); l++) {
                    NDArray x = hs.get(l).get(new NDIndex("0, -1, :")).toType(DataType.FLOAT32, false).reshape(1, -1);
                    if (l < hs.size() - 1) {
                        x = Layers.rmsNorm(x, norm, eps);
                    }
                    float[] logp = Layers.linear(x, head, null).logSoftmax(-1).toType(DataType.FLOAT32, false).toFloatArray();
                    float t = logp[(int) target];
                    long rank = 0;
                    for (float v : logp) {
                        if (v > t) {
                            rank++;
                        }
                    }
                    double prob = Math.exp(t);
                    if (prob > best) {
                        best = prob;
                        bestLayer = l;
                    }
                    bestRank = Math.min(bestRank, rank);
                }
                probSum += best;
                rankSum += bestRank;
                layerSum += bestLayer;
                top1 += bestRank == 0 ? 1 : 0;
                n++;
            }
        }
        if (n == 0) {
            return new Score(Double.NaN, Map.of());
        }
        return new Score(probSum / n, Map.of("rank", rankSum / n, "top1", (double) top1 / n, "best_layer", layerSum / n));
    }
}

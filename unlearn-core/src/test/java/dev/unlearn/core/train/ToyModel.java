package dev.unlearn.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.score.TokenLogProbs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A tiny differentiable next-token predictor built from raw arrays for loop tests:
 * {@code logits = tanh(onehot(ids) · E) · W + b}, E [V, H], W [H, V], b [V]. Initialised from a
 * java.util.Random so every run starts from the same bits.
 */
final class ToyModel {
    private ToyModel() {}

    static Map<String, NDArray> init(NDManager m, int vocab, int hidden, long seed) {
        Random r = new Random(seed);
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put("embed.weight", m.create(gauss(r, vocab * hidden, 0.5), new Shape(vocab, hidden)));
        p.put("head.weight", m.create(gauss(r, hidden * vocab, 0.3), new Shape(hidden, vocab)));
        p.put("head.bias", m.zeros(new Shape(vocab)));
        return p;
    }

    private static float[] gauss(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    /** NLL_pool of the batch under the model (methods.md §0). */
    static NDArray nll(StepContext ctx, Batch batch) {
        NDManager s = ctx.manager();
        Map<String, NDArray> p = ctx.parameters();
        int vocab = (int) p.get("head.bias").getShape().get(0);
        NDArray ids = batch.inputIds(s);
        NDArray x = ids.oneHot(vocab).toType(DataType.FLOAT32, false).matMul(p.get("embed.weight")).tanh();
        NDArray logits = x.matMul(p.get("head.weight")).add(p.get("head.bias"));
        TokenLogProbs.Result r = TokenLogProbs.of(logits, batch.labels(s));
        return r.logProbs().sum().neg().div(r.mask().sum());
    }

    /** Makes {@code loop} throw a simulated crash after optimizer step {@code step} (0: never). */
    static void crashAfter(TrainingLoop loop, long step) {
        if (step <= 0) {
            return;
        }
        loop.addListener(new TrainingLoop.Listener() {
            @Override
            public void onStep(TrainingLoop.StepRecord rec) {
                if (rec.step() == step) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        });
    }
}

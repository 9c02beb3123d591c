package dev.unlearn.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.unlearn.core.Engines;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.core.train.Backprop;
import java.util.ArrayList;
import java.util.List;

/**
 * One causal-LM training step for benchmarking: forward, mean token NLL, backward, and an AdamW update
 * written inline with in-place NDArray ops (the toolkit's real optimizer lives in {@code core.train}).
 * Weights live in the model's manager, moments in this object's loop manager, everything else in a
 * per-step child manager closed at the end of the step.
 */
public final class TrainStep implements AutoCloseable {
    private final CausalLm model;
    private final NDManager loop;
    private final List<NDArray> params = new ArrayList<>();
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final float lr;
    private final float beta1 = 0.9f;
    private final float beta2 = 0.999f;
    private final float eps = 1e-8f;
    private final float weightDecay = 0.01f;
    private int t;

    public TrainStep(CausalLm model, float lr) {
        this.model = model;
        this.lr = lr;
        this.loop = model.manager().newSubManager();
        for (NDArray p : model.parameters().values()) {
            p.setRequiresGradient(true);
            params.add(p);
            m.add(loop.zeros(p.getShape(), p.getDataType()));
            v.add(loop.zeros(p.getShape(), p.getDataType()));
        }
    }

    /** Runs one step on {@code batch}; returns the loss. */
    public float step(Batch batch) {
        try (NDManager step = loop.newSubManager()) {
            NDArray ids = batch.inputIds(step);
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(ids, batch.attentionMask(step), false).logits();
                TokenLogProbs.Result r = TokenLogProbs.of(logits, batch.labels(step));
                loss = r.logProbs().sum().div(r.mask().sum()).neg();
                Backprop.backward(gc, loss);
            }
            t++;
            float bc1 = 1 - (float) Math.pow(beta1, t);
            float bc2 = 1 - (float) Math.pow(beta2, t);
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = p.getGradient();
                g.attach(step);
                NDArray mi = m.get(i);
                NDArray vi = v.get(i);
                mi.muli(beta1).addi(Scalars.mul(g, 1 - beta1));
                vi.muli(beta2).addi(g.square().muli(1 - beta2));
                NDArray denom = Scalars.div(vi, bc2);
                denom.attach(step);
                NDArray mhat = Scalars.div(mi, bc1);
                mhat.attach(step);
                NDArray update = mhat.divi(denom.sqrt().addi(eps)).muli(lr);
                p.muli(1 - lr * weightDecay).subi(update);
                g.muli(0); // backward accumulates into .grad: clear it for the next step
            }
            return loss.getFloat();
        }
    }

    /** Live arrays in the model's manager tree (weights, moments, anything leaked). */
    public int liveArrays() {
        return model.manager().getManagedArrays().size();
    }

    @Override
    public void close() {
        loop.close();
    }

    /** What a harness does with a warmed-up benchmark model, its training step and its batch. */
    @FunctionalInterface
    interface Harness {
        void run(CausalLm model, TrainStep train, Batch batch) throws Exception;
    }

    /**
     * Runs {@code harness} on a random {@link ModelBenchmark#config()} model (seed 1) with a training step
     * at lr 1e-3 and a random {@code batchSize x seqLen} batch (seed 3), after one warm-up step on it.
     */
    static void withWarmModel(int batchSize, int seqLen, Harness harness) throws Exception {
        Engines.pytorch();
        ModelConfig cfg = ModelBenchmark.config();
        try (NDManager root = NDManager.newBaseManager();
                CausalLm lm = CausalLm.random(cfg, root, Device.cpu(), 1);
                TrainStep train = new TrainStep(lm, 1e-3f)) {
            Batch batch = ModelBenchmark.batch(batchSize, seqLen, cfg.vocabSize(), 3);
            train.step(batch);
            harness.run(lm, train, batch);
        }
    }

    /** Integer argument {@code i} of a harness's command line, or {@code fallback} when absent. */
    static int intArg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }
}

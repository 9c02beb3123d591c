package dev.unlearn.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.unlearn.core.Engines;
import dev.unlearn.core.TorchKernels;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.core.train.AdamW;
import dev.unlearn.core.train.Backprop;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One causal-LM training step for benchmarking: forward, mean token NLL, backward, and an AdamW update
 * with the toolkit's own {@link AdamW} (what {@code TrainingLoop} runs, without clipping, which the peer does not do).
 * Weights live in the model's manager, moments in this object's loop manager, everything else in a
 * per-step child manager closed at the end of the step.
 */
public final class TrainStep implements AutoCloseable {
    private final CausalLm model;
    private final NDManager loop;
    private final Map<String, NDArray> params;
    private final AdamW adam;
    private final float lr;
    /** Nanoseconds spent in the optimizer update (and clearing the gradients) since construction. */
    long optimizerNanos;

    public TrainStep(CausalLm model, float lr) {
        this.model = model;
        this.lr = lr;
        this.loop = model.manager().newSubManager();
        this.params = model.parameters();
        for (NDArray p : params.values()) {
            p.setRequiresGradient(true);
        }
        // torch.optim.AdamW's defaults, as the PyTorch peer runs it: betas (0.9, 0.999), eps 1e-8, weight decay 0.01 on all
        this.adam = new AdamW(loop, params, 0.9, 0.999, 1e-8, 0.01, name -> true);
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
            long t0 = System.nanoTime();
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(step);
                grads.put(e.getKey(), g);
            }
            adam.update(params, grads, lr, step);
            TorchKernels.zero(grads.values()); // backward accumulates into .grad: clear it, as TrainingLoop does
            float value = loss.getFloat();
            optimizerNanos += System.nanoTime() - t0;
            return value;
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

package dev.unlearn.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.data.Batch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * What an {@link Objective} sees of one micro-batch: a step manager that is closed after the step,
 * the named batches ({@code "forget"}, {@code "retain"}, or {@code "train"}), the optimizer step,
 * micro-batch and epoch indices, a {@link Random} seeded from {@code (seed, micro-batch)} (identical
 * after a resume), the live parameters, and a sink for named metrics.
 */
public final class StepContext {
    private final NDManager manager;
    private final Map<String, Batch> batches;
    private final long step;
    private final long microStep;
    private final int epoch;
    private final Random random;
    private final Map<String, NDArray> parameters;
    private final Map<String, Double> metrics = new LinkedHashMap<>();

    StepContext(NDManager manager, Map<String, Batch> batches, long step, long microStep, int epoch, Random random,
            Map<String, NDArray> parameters) {
        this.manager = manager;
        this.batches = batches;
        this.step = step;
        this.microStep = microStep;
        this.epoch = epoch;
        this.random = random;
        this.parameters = parameters;
    }

    /** Manager for everything this micro-batch allocates; closed by the loop afterwards. */
    public NDManager manager() {
        return manager;
    }

    /** All batches of this micro-batch by name. */
    public Map<String, Batch> batches() {
        return batches;
    }

    /** The named batch; the error lists the names present. */
    public Batch batch(String name) {
        Batch b = batches.get(name);
        if (b == null) {
            throw new UnlearnException("objective asked for batch '" + name + "', the step has " + batches.keySet());
        }
        return b;
    }

    /** Optimizer step (0-based). */
    public long step() {
        return step;
    }

    /** Micro-batch index over the whole run (0-based). */
    public long microStep() {
        return microStep;
    }

    /** Epoch of this micro-batch (0-based). */
    public int epoch() {
        return epoch;
    }

    /** RNG seeded from the run seed and {@link #microStep()}. */
    public Random random() {
        return random;
    }

    /** The trainable parameters (live arrays; do not modify). */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** Records a named number for the training log (averaged over micro-batches of a step). */
    public void metric(String name, double value) {
        metrics.merge(name, value, Double::sum);
    }

    Map<String, Double> metrics() {
        return metrics;
    }
}

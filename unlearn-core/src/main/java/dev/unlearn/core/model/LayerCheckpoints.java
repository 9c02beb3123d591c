package dev.unlearn.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gradient checkpointing for {@link CausalLm}: a tape, open on one thread, under which a model's
 * training forwards keep only each decoder layer's input and recompute the layers during backward
 * (DJL has no API for it; this is {@code torch.utils.checkpoint} per decoder layer, done by hand).
 *
 * <p>While a tape is open ({@link #open()}, which the training loop does per micro-batch when
 * {@code grad_checkpointing} is on), a {@link CausalLm} forward that would record autograd (grad mode on,
 * some tensor of the model requires a gradient, no KV cache, no hidden states asked for) runs its
 * decoder layers {@code 0 … L-1} without recording autograd: it stores each layer's input, frees
 * everything else a layer allocates as soon as the layer is done, and returns the last layer's output as
 * a leaf that requires a gradient; the final norm and the head run as usual. Forwards of a frozen model
 * (a reference copy, an adapter-disabled base view) or without gradients are not checkpointed. A loss
 * may use any number of such forwards (forget, retain, ...): each is one segment of the tape.
 *
 * <p>After the loss's backward pass, which leaves the upstream gradient {@code g} in each segment's output
 * leaf, {@link #replay} walks every segment's layers top-down: it recomputes layer {@code i} with
 * gradients on from its stored input (a leaf), back-propagates {@code (output · g).sum()} (whose gradient
 * with respect to the output is exactly {@code g}), which adds the layer's weight gradients to the leaves
 * and leaves the gradient of its input, the {@code g} of layer {@code i - 1}; at the bottom it
 * back-propagates {@code (embeddings · g).sum()} into the embedding table when that trains. The walk
 * stops at the lowest layer with a trainable tensor when the embeddings do not train (adapter mode, or
 * methods that train some layers only). Gradients equal the non-checkpointed ones up to float rounding
 * (the same operations, summed into the leaves in another order).
 *
 * <p>Cost: one extra forward of the decoder layers per checkpointed forward, plus one small
 * multiply-and-sum per layer; memory: one {@code [B, T, D]} array per layer and segment, plus one
 * layer's activations at a time. LoRA dropout draws its masks from libtorch's generator; a checkpointed
 * forward reseeds it before each layer (from a seed drawn from the generator) and the replay reseeds it
 * the same way, so the recompute sees the same masks, which therefore differ from those of a run
 * without checkpointing (same distribution).
 */
public final class LayerCheckpoints implements AutoCloseable {
    private static final ThreadLocal<LayerCheckpoints> CURRENT = new ThreadLocal<>();
    /** The layer index in a base name ({@code model.layers.3.…}) or a PEFT name ({@code base_model.model.model.layers.3.…}). */
    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layers\\.(\\d+)\\.");

    private final LayerCheckpoints previous;
    private final List<Segment> segments = new ArrayList<>();

    /** Runs decoder layer {@code layer} from {@code input}, allocating what it can in {@code m}. */
    @FunctionalInterface
    interface LayerFn {
        NDArray apply(int layer, NDArray input, NDManager m);
    }

    private LayerCheckpoints(LayerCheckpoints previous) {
        this.previous = previous;
    }

    /** Opens a tape on this thread; forwards recorded under it are replayed by {@link #replay}; close it after the backward pass. */
    public static LayerCheckpoints open() {
        LayerCheckpoints t = new LayerCheckpoints(CURRENT.get());
        CURRENT.set(t);
        return t;
    }

    /** The tape open on this thread, or null. */
    public static LayerCheckpoints current() {
        return CURRENT.get();
    }

    /** Checkpointed forwards recorded and not yet replayed. */
    public int pending() {
        return segments.size();
    }

    /**
     * Back-propagates through the layers of every forward recorded since the last replay, newest first
     * (see the class comment), with {@code backward} as the way to back-propagate a scalar; call it right
     * after the loss's own backward pass, inside the same gradient collector. A forward whose output got
     * no gradient (the loss does not depend on it) is dropped.
     */
    public void replay(Consumer<NDArray> backward) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            while (!segments.isEmpty()) {
                segments.remove(segments.size() - 1).replay(backward);
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** Drops forwards not replayed (their arrays go with their step manager) and closes the tape on this thread. */
    @Override
    public void close() {
        segments.clear();
        if (CURRENT.get() == this) {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /**
     * The lowest decoder layer, at most {@code last}, holding a tensor of {@code tensors} (base weights or
     * adapters, by name) that requires a gradient; {@code last + 1} when there is none.
     */
    static int lowestTrainable(Map<String, NDArray> tensors, int last) {
        int lowest = last + 1;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            Matcher m = LAYER.matcher(e.getKey());
            if (m.find()) {
                int i = Integer.parseInt(m.group(1));
                if (i < lowest && e.getValue().hasGradient()) {
                    lowest = i;
                }
            }
        }
        return lowest;
    }

    /**
     * Runs layers {@code 0 … last} from {@code x0} as a checkpointed forward (see the class comment) and
     * records it for {@link #replay}.
     *
     * @param x0 the first layer's input, in the step's manager; it carries the graph back to the embedding
     *     table when that trains
     * @param rootTrains whether the embedding table trains ({@code x0} is then back-propagated into; DJL's
     *     {@code hasGradient} answers false for this non-leaf, so the caller asks the table)
     * @param last the last layer to run
     * @param lowest the lowest layer with a trainable tensor ({@link #lowestTrainable}; {@code last + 1} if none)
     * @param layer one layer from its input
     * @param reseed reseeds the generator of the dropout masks, or null when the layers draw none
     * @return the output of layer {@code last}: a leaf that requires a gradient
     */
    NDArray record(NDArray x0, boolean rootTrains, int last, int lowest, LayerFn layer, LongConsumer reseed) {
        NDManager step = x0.getManager();
        Segment s = new Segment(x0, rootTrains, last, lowest, layer, reseed);
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        NDArray x;
        try {
            if (reseed != null) {
                try (NDArray r = step.randomInteger(0, 1L << 62, new Shape(1), DataType.INT64)) {
                    s.seed = r.getLong();
                }
            }
            x = x0.stopGradient();
            for (int i = 0; i <= last; i++) {
                s.inputs[i] = x;
                x = s.run(i, x, false, null, null);
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        x.setRequiresGradient(true);
        s.output = x;
        segments.add(s);
        return x;
    }

    /** One checkpointed forward: its layer inputs, its output leaf, and how to rerun a layer. */
    private static final class Segment {
        final NDArray x0;
        final boolean rootTrains;
        final NDManager step;
        final int last;
        final int lowest;
        final LayerFn layer;
        final LongConsumer reseed;
        final NDArray[] inputs;
        long seed;
        NDArray output;

        Segment(NDArray x0, boolean rootTrains, int last, int lowest, LayerFn layer, LongConsumer reseed) {
            this.x0 = x0;
            this.rootTrains = rootTrains;
            this.step = x0.getManager();
            this.last = last;
            this.lowest = lowest;
            this.layer = layer;
            this.reseed = reseed;
            this.inputs = new NDArray[last + 1];
        }

        /**
         * Layer {@code i} from {@code input} in a manager of its own, closed afterwards, so nothing the layer
         * allocates outlives it. Without {@code upstream} (the forward) it returns the output, moved to the
         * step's manager; with it (the replay) it back-propagates {@code (output · upstream).sum()} by
         * {@code backward} and returns the input's gradient (in the step's manager) when {@code inputGrad},
         * else null.
         */
        private NDArray run(int i, NDArray input, boolean inputGrad, NDArray upstream, Consumer<NDArray> backward) {
            if (reseed != null) {
                reseed.accept(layerSeed(i));
            }
            try (NDManager lm = step.newSubManager()) {
                NDArray in = input.stopGradient();
                in.attach(lm);
                if (inputGrad) {
                    in.setRequiresGradient(true);
                }
                NDArray y = layer.apply(i, in, lm);
                if (upstream == null) {
                    y.attach(step);
                    return y;
                }
                backward.accept(y.mul(upstream).sum());
                if (!inputGrad) {
                    return null;
                }
                NDArray g = in.getGradient();
                g.attach(step);
                return g;
            }
        }

        private long layerSeed(int i) {
            long x = seed + (i + 1) * 0x9E3779B97F4A7C15L;
            x ^= x >>> 33;
            x *= 0xFF51AFD7ED558CCDL;
            x ^= x >>> 33;
            return x;
        }

        void replay(Consumer<NDArray> backward) {
            NDArray g = JniUtils.getGradient((PtNDArray) output);
            if (g == null) {
                release();
                return;
            }
            int stop = rootTrains ? 0 : lowest;
            for (int i = last; i >= stop; i--) {
                NDArray below = run(i, inputs[i], i > stop || rootTrains, g, backward);
                g.close();
                inputs[i].close();
                inputs[i] = null;
                g = below;
            }
            release();
            if (rootTrains) {
                backward.accept(x0.mul(g).sum());
                g.close();
            } else if (g != null) {
                g.close();
            }
        }

        private void release() {
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] != null) {
                    inputs[i].close();
                    inputs[i] = null;
                }
            }
        }
    }
}

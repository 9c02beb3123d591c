package dev.unlearn.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LayerCheckpoints;
import dev.unlearn.core.model.LoraAdapters;
import dev.unlearn.core.model.LoraConfig;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.testing.Adapters;
import dev.unlearn.core.testing.GcProbe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gradient checkpointing ({@link LayerCheckpoints}) gives the gradients of the plain backward pass to float32
 * rounding, for every family, with LoRA adapters, through the training loop, with LoRA dropout, and keeps
 * only the layer inputs of a forward.
 *
 * <p>The bound: per tensor, {@code max |g_ckpt - g| <= 1e-5 · max |g| + 1e-12}. The checkpointed pass runs
 * the same float32 operations on the same inputs; what differs is the order in which contributions are summed
 * into the leaves (a weight used by both policy forwards, the embedding table used by the head and by layer
 * 0) and the kernels of the no-grad forward, whose outputs the gradients are taken at. Each of those is a
 * relative error of a few float32 ulps (2^-24 ≈ 6e-8) in a term, propagated through the few layers of the
 * test model, so the differences are at most a few 1e-7 of the tensor's largest gradient (measured on
 * AVX2: 0 for most families, whose gradients come out bit-identical, 1.1e-7 for the tied-embedding ones,
 * qwen2 and gemma2); 1e-5 leaves a wide margin on any CPU, and is still far below any real difference
 * (leaving out the embedding table's share from the layers, a bug this test caught, differed by 80 % of
 * the scale).
 */
class GradCheckpointingTest {
    private static final long PAD = 0;
    private static final double REL = 1e-5;
    /**
     * After optimizer steps: AdamW divides by {@code sqrt(v) + 1e-8}, so for a weight whose gradient is
     * near 1e-8 a rounding difference in the gradient changes the update by up to the learning rate, and
     * later gradients and losses differ by more than rounding (measured over four steps: 1.9e-6 of the
     * gradients' scale, 8.8e-7 of the loss); 1e-4 is 50 times that and still far below what one wrong
     * gradient term does.
     */
    private static final double REL_AFTER_STEPS = 1e-4;

    /** Rows of the given lengths, right-padded in one batch; three prompt tokens, the rest answer. */
    private static Batch batch(long seed, int... lengths) {
        Random r = new Random(seed);
        List<TokenizedExample> ex = new ArrayList<>();
        for (int n = 0; n < lengths.length; n++) {
            long[] ids = new long[lengths[n]];
            for (int j = 0; j < ids.length; j++) {
                ids[j] = 1 + r.nextInt(60);
            }
            ex.add(new TokenizedExample("x" + n, ids, 3));
        }
        return new Batch(ex, PAD);
    }

    /**
     * Two policy forwards and one reference forward, as GradDiff plus an NPO-like reference term:
     * {@code NLL(retain) - NLL(forget) + (NLL(forget) - NLL_ref(forget))^2}.
     */
    private static NDArray loss(CausalLm policy, CausalLm ref, Batch forget, Batch retain, NDManager m) {
        NDArray nf = FineTune.pooledNll(policy, forget, m);
        NDArray nr = FineTune.pooledNll(policy, retain, m);
        NDArray refNf = FineTune.pooledNll(ref, forget, m).stopGradient();
        return nr.sub(nf).add(nf.sub(refNf).square());
    }

    /** The gradients of {@link #loss} with respect to {@code trainable}, with or without a tape; pending[0..1]: segments before/after backward. */
    private static Map<String, float[]> gradients(CausalLm lm, Map<String, NDArray> trainable, CausalLm ref,
            boolean checkpointed, int[] pending) {
        trainable.values().forEach(p -> p.setRequiresGradient(true));
        Batch forget = batch(1, 9, 6, 4);
        Batch retain = batch(2, 5, 8);
        try (NDManager s = lm.manager().newSubManager();
                GradientCollector gc = Engines.pytorch().newGradientCollector();
                LayerCheckpoints tape = checkpointed ? LayerCheckpoints.open() : null) {
            NDArray loss = loss(lm, ref, forget, retain, s);
            if (tape != null) {
                pending[0] = tape.pending();
            }
            Backprop.backward(gc, loss);
            if (tape != null) {
                pending[1] = tape.pending();
            }
        }
        assertNull(LayerCheckpoints.current(), "the tape is closed");
        Map<String, float[]> g = new LinkedHashMap<>();
        trainable.forEach((n, p) -> g.put(n, p.getGradient().toType(DataType.FLOAT32, false).toFloatArray()));
        return g;
    }

    /** Asserts the bound of the class comment per tensor, and that each tensor has a gradient. */
    private static void assertClose(String label, Map<String, float[]> expected, Map<String, float[]> actual) {
        assertClose(label, expected, actual, REL);
    }

    private static void assertClose(String label, Map<String, float[]> expected, Map<String, float[]> actual,
            double rel) {
        assertEquals(expected.keySet(), actual.keySet(), label);
        double worst = 0;
        for (String n : expected.keySet()) {
            float[] e = expected.get(n);
            float[] a = actual.get(n);
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < e.length; i++) {
                scale = Math.max(scale, Math.abs(e[i]));
                diff = Math.max(diff, Math.abs(e[i] - a[i]));
            }
            assertTrue(scale > 0, label + ": " + n + " has no gradient");
            assertTrue(diff <= rel * scale + 1e-12, label + ": " + n + " max |diff| " + diff + " > " + rel + " · " + scale);
            worst = Math.max(worst, diff / scale);
        }
        System.out.println("BOUND " + label + " grad-checkpointing max |diff| / max |g| " + worst + " <= " + rel);
    }

    private static ModelConfig config(String type) {
        return ModelConfig.example(type, 32, 3, 4, 2, 48, 61);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3", "gemma2", "phi3", "mistral"})
    void fullModelGradientsEqualThePlainOnes(String type) {
        Engines.pytorch();
        ModelConfig cfg = config(type);
        try (NDManager root = NDManager.newBaseManager();
                CausalLm plain = CausalLm.random(cfg, root, Device.cpu(), 5);
                CausalLm ckpt = CausalLm.random(cfg, root, Device.cpu(), 5);
                CausalLm ref = plain.copy(root)) {
            int[] pending = new int[2];
            Map<String, float[]> g = gradients(plain, plain.parameters(), ref, false, pending);
            Map<String, float[]> c = gradients(ckpt, ckpt.parameters(), ref, true, pending);
            assertEquals(2, pending[0], "the two policy forwards are checkpointed, the frozen reference's is not");
            assertEquals(0, pending[1], "the backward pass replays them");
            assertClose(type, g, c);
        }
    }

    @Test
    void adapterGradientsEqualThePlainOnes() {
        Engines.pytorch();
        ModelConfig cfg = config("llama");
        try (NDManager root = NDManager.newBaseManager();
                CausalLm plain = CausalLm.random(cfg, root, Device.cpu(), 5);
                CausalLm ckpt = CausalLm.random(cfg, root, Device.cpu(), 5)) {
            LoraConfig lora = new LoraConfig(4, 8, 0, List.of("all"), false);
            LoraAdapters a = plain.attachAdapters(lora, 3);
            LoraAdapters b = ckpt.attachAdapters(lora, 3);
            Adapters.randomB(a, 9);
            Adapters.randomB(b, 9);
            int[] pending = new int[2];
            Map<String, float[]> g = gradients(plain, a.parameters(), plain.baseView(), false, pending);
            Map<String, float[]> c = gradients(ckpt, b.parameters(), ckpt.baseView(), true, pending);
            assertEquals(2, pending[0], "the adapter-disabled base view is not checkpointed");
            assertClose("lora", g, c);
            for (NDArray w : ckpt.parameters().values()) {
                assertTrue(!w.hasGradient(), "the base stays frozen");
            }
        }
    }

    /** Training where only the top layer trains: the replay stops there and the gradients still agree. */
    @Test
    void partlyFrozenModelGradientsEqualThePlainOnes() {
        Engines.pytorch();
        ModelConfig cfg = config("llama");
        try (NDManager root = NDManager.newBaseManager();
                CausalLm plain = CausalLm.random(cfg, root, Device.cpu(), 5);
                CausalLm ckpt = CausalLm.random(cfg, root, Device.cpu(), 5);
                CausalLm ref = plain.copy(root)) {
            int[] pending = new int[2];
            Map<String, float[]> g = gradients(plain, topLayer(plain), ref, false, pending);
            Map<String, float[]> c = gradients(ckpt, topLayer(ckpt), ref, true, pending);
            assertEquals(2, pending[0]);
            assertClose("top-layer", g, c);
        }
    }

    private static Map<String, NDArray> topLayer(CausalLm lm) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        lm.parameters().forEach((n, p) -> {
            if (n.startsWith("model.layers.2.")) {
                m.put(n, p);
            }
        });
        return m;
    }

    /**
     * With LoRA dropout the recompute must see the forward's masks: the checkpointed gradient (float64 model)
     * matches the central difference of the checkpointed loss, whose masks are fixed by the generator's seed.
     * A recompute with fresh masks would miss it by far more than the O(h^2) error of the difference.
     */
    @Test
    void dropoutMasksAreTheSameInTheRecompute() {
        Engines.pytorch();
        try (NDManager root = NDManager.newBaseManager();
                CausalLm f32 = CausalLm.random(config("llama"), root, Device.cpu(), 5);
                CausalLm lm = f32.copy(root, DataType.FLOAT64)) {
            LoraAdapters a = lm.attachAdapters(new LoraConfig(4, 8, 0.3, List.of("all"), false), 3);
            Random rb = new Random(9);
            for (String w : a.adaptedWeights()) {
                double[] v = new double[Math.toIntExact(a.b(w).size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = rb.nextGaussian() * 0.05;
                }
                a.b(w).set(new NDIndex("..."), a.b(w).getManager().create(v, a.b(w).getShape()));
            }
            a.setTraining(true);
            Map<String, NDArray> p = a.parameters();
            p.values().forEach(t -> t.setRequiresGradient(true));
            Batch forget = batch(1, 9, 6, 4);
            Batch retain = batch(2, 5, 8);
            CausalLm ref = lm.baseView();
            Random r = new Random(4);
            Map<String, double[]> dir = new LinkedHashMap<>();
            Map<String, double[]> at = new LinkedHashMap<>();
            p.forEach((n, t) -> {
                double[] v = new double[Math.toIntExact(t.size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = r.nextGaussian();
                }
                dir.put(n, v);
                at.put(n, t.toDoubleArray());
            });
            double directional = 0;
            try (NDManager s = lm.manager().newSubManager();
                    GradientCollector gc = Engines.pytorch().newGradientCollector();
                    LayerCheckpoints tape = LayerCheckpoints.open()) {
                a.seedDropout(42);
                Backprop.backward(gc, loss(lm, ref, forget, retain, s));
            }
            for (Map.Entry<String, NDArray> e : p.entrySet()) {
                double[] g = e.getValue().getGradient().toDoubleArray();
                double[] v = dir.get(e.getKey());
                for (int i = 0; i < g.length; i++) {
                    directional += g[i] * v[i];
                }
            }
            double h = 1e-5;
            double up = checkpointedLoss(lm, a, p, at, dir, h, ref, forget, retain);
            double down = checkpointedLoss(lm, a, p, at, dir, -h, ref, forget, retain);
            double fd = (up - down) / (2 * h);
            System.out.println("BOUND lora-dropout directional derivative " + directional + " vs difference " + fd);
            assertTrue(Math.abs(directional) > 1e-3, "a real signal: " + directional);
            assertTrue(Math.abs(fd - directional) <= 1e-6 * Math.abs(directional),
                    "gradient " + directional + " vs central difference " + fd);
            a.setTraining(false);
        }
    }

    /** The checkpointed forward's loss at {@code at + h · dir}, dropout reseeded as for the gradient. */
    private static double checkpointedLoss(CausalLm lm, LoraAdapters a, Map<String, NDArray> p,
            Map<String, double[]> at, Map<String, double[]> dir, double h, CausalLm ref, Batch forget, Batch retain) {
        boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try {
            p.forEach((n, t) -> {
                double[] x = at.get(n).clone();
                double[] v = dir.get(n);
                for (int i = 0; i < x.length; i++) {
                    x[i] += h * v[i];
                }
                t.set(new NDIndex("..."), t.getManager().create(x, t.getShape()));
            });
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
        }
        try (NDManager s = lm.manager().newSubManager();
                GradientCollector gc = Engines.pytorch().newGradientCollector();
                LayerCheckpoints tape = LayerCheckpoints.open()) {
            a.seedDropout(42);
            double v = loss(lm, ref, forget, retain, s).getDouble();
            assertEquals(2, tape.pending());
            return v;
        }
    }

    /** A forget/retain source of two fixed micro-batch pairs. */
    private static BatchSource pairs() {
        return new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return 2;
            }

            @Override
            public Map<String, Batch> batches(int epoch, int index) {
                return Map.of("forget", batch(10 + index, 9, 6, 4), "retain", batch(20 + index, 5, 8, 7));
            }
        };
    }

    private static TrainingLoop.Result train(boolean checkpointed, boolean gc, GcProbe.GradientRecorder rec) {
        try (NDManager root = NDManager.newBaseManager();
                CausalLm lm = CausalLm.random(config("llama"), root, Device.cpu(), 5);
                CausalLm ref = lm.copy(root)) {
            TrainingConfig cfg = TrainSettings.DEFAULTS.with(Map.of("lr", 1e-3, "max_steps", 4, "grad_accum", 2,
                    "grad_checkpointing", checkpointed)).toConfig(0).build();
            TrainingLoop loop = new TrainingLoop(cfg, lm.parameters(), pairs(),
                    ctx -> loss(lm, ref, ctx.batch("forget"), ctx.batch("retain"), ctx.manager()));
            loop.addListener(rec);
            return gc ? GcProbe.withGcBeforeBackward(loop::run) : loop.run();
        }
    }

    /**
     * Through the training loop ({@code grad_checkpointing: true}, two micro-batches per step): the first
     * step's gradients as without checkpointing to {@link #REL}, the losses and later gradients to
     * {@link #REL_AFTER_STEPS}; and a GC before every backward pass, the replays' included, leaves the
     * checkpointed gradients bit-identical.
     */
    @Test
    void trainingLoopGivesTheSameLosses() {
        Engines.pytorch();
        GcProbe.GradientRecorder plainRec = new GcProbe.GradientRecorder();
        GcProbe.GradientRecorder ckptRec = new GcProbe.GradientRecorder();
        GcProbe.GradientRecorder gcRec = new GcProbe.GradientRecorder();
        List<Double> plain = train(false, false, plainRec).losses();
        List<Double> ckpt = train(true, false, ckptRec).losses();
        assertEquals(4, plain.size());
        double worst = 0;
        for (int i = 0; i < plain.size(); i++) {
            double d = Math.abs(plain.get(i) - ckpt.get(i));
            assertTrue(d <= REL_AFTER_STEPS * Math.abs(plain.get(i)) + 1e-9, "step " + i + ": " + plain + " vs " + ckpt);
            worst = Math.max(worst, d / Math.abs(plain.get(i)));
        }
        System.out.println("BOUND training-loop grad-checkpointing max |loss diff| / |loss| " + worst + " <= "
                + REL_AFTER_STEPS);
        assertEquals(plainRec.steps.keySet(), ckptRec.steps.keySet());
        for (long step : plainRec.steps.keySet()) {
            assertClose("loop step " + step, plainRec.steps.get(step), ckptRec.steps.get(step),
                    step == 1 ? REL : REL_AFTER_STEPS);
        }
        train(true, true, gcRec);
        GcProbe.assertBitIdentical("checkpointed", ckptRec.steps, gcRec.steps);
    }

    /** A checkpointed forward keeps its layer inputs and little else; a plain one keeps every activation. */
    @Test
    void aCheckpointedForwardKeepsOnlyTheLayerInputs() {
        Engines.pytorch();
        int[] plain = new int[2];
        int[] ckpt = new int[2];
        int[] layers = {2, 6};
        for (int i = 0; i < 2; i++) {
            ModelConfig cfg = ModelConfig.llama(32, layers[i], 4, 2, 48, 61);
            try (NDManager root = NDManager.newBaseManager(); CausalLm lm = CausalLm.random(cfg, root, Device.cpu(), 5)) {
                lm.parameters().values().forEach(p -> p.setRequiresGradient(true));
                Batch b = batch(1, 9, 6, 4);
                plain[i] = liveArrays(lm, b, false);
                ckpt[i] = liveArrays(lm, b, true);
            }
        }
        System.out.println("live arrays after one forward (2 / 6 layers): plain " + plain[0] + " / " + plain[1]
                + ", checkpointed " + ckpt[0] + " / " + ckpt[1]);
        // a plain forward frees each layer's handles once its output exists (autograd keeps what it saved): the
        // caller's manager holds as many arrays for 6 layers as for 2
        assertEquals(plain[0], plain[1], "plain forward: arrays left per layer");
        // a checkpointed one also keeps each layer's input, and the output leaf
        assertEquals(layers[1] - layers[0], ckpt[1] - ckpt[0], "checkpointed forward: one array per layer");
        assertTrue(ckpt[1] - plain[1] <= layers[1] + 1, "plain " + plain[1] + ", checkpointed " + ckpt[1]);
    }

    private static int liveArrays(CausalLm lm, Batch b, boolean checkpointed) {
        try (NDManager s = lm.manager().newSubManager();
                GradientCollector gc = Engines.pytorch().newGradientCollector();
                LayerCheckpoints tape = checkpointed ? LayerCheckpoints.open() : null) {
            lm.forward(b.inputIds(s), b.attentionMask(s), false);
            return s.getManagedArrays().size();
        }
    }
}

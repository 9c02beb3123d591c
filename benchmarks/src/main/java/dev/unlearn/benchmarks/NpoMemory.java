package dev.unlearn.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LoraAdapters;
import dev.unlearn.core.model.LoraConfig;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.Precision;
import dev.unlearn.core.train.BatchSource;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainingConfig;
import dev.unlearn.core.train.TrainingLoop;
import dev.unlearn.methods.npo.NpoConfig;
import dev.unlearn.methods.npo.NpoLoss;
import dev.unlearn.methods.npo.ReferenceNllCache;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.StepBatches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Peak memory and speed of one NPO step (methods.md §3: forget batch B × T tokens plus a paired retain
 * batch of the same shape, NLL retain term, the toolkit's AdamW) on a random-weight model of a given
 * {@code config.json}, in one of four modes:
 *
 * <ul>
 *   <li>{@code a}: fp32, every weight trains, π_ref a resident second copy of the model;</li>
 *   <li>{@code b}: fp32, every weight trains, π_ref's {@code NLL_sum} per forget sample computed once before
 *       the step (the cached reference: the policy itself before its first update, no copy);</li>
 *   <li>{@code c}: bf16 base (frozen) + LoRA r=16 on all projections, π_ref the adapter-disabled base;</li>
 *   <li>{@code d}: {@code c} with gradient checkpointing.</li>
 * </ul>
 *
 * <p>It prints one {@code RESULT} line: the resident set's peak over the step (VmHWM after resetting it
 * through {@code /proc/self/clear_refs} once the model is built, so model construction does not count),
 * the model's static bytes (weights, and for training modes the gradients and optimizer moments they
 * imply), the step's wall time and tokens/s. One case per JVM (peak RSS is per process). Before allocating,
 * a case whose static bytes exceed 80% of the memory the machine has available is skipped with a {@code SKIP}
 * line naming the figure. Optional overrides shrink the model for the memory formula's fit
 * ({@code benchmarks/npo-memory.sh}).
 *
 * <pre>
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar dev.unlearn.benchmarks.NpoMemory CONFIG.json CASE
 *     [BATCH=4] [SEQ=256] [LAYERS] [HIDDEN] [FFN] [HEADS] [KV_HEADS]
 * </pre>
 */
public final class NpoMemory {
    private NpoMemory() {}

    public static void main(String[] args) throws Exception {
        Path cfgFile = Path.of(args[0]);
        String mode = args[1];
        int batch = TrainStep.intArg(args, 2, 4);
        int seq = TrainStep.intArg(args, 3, 256);
        Engines.pytorch();
        ModelConfig cfg = resized(ModelConfig.read(cfgFile), args);
        boolean lora = mode.equals("c") || mode.equals("d");
        Precision precision = lora ? Precision.BF16 : Precision.FP32;
        long params = parameterCount(cfg);
        // static bytes: weights (+ a copy for a) and, when all weights train, their gradients and two AdamW moments
        long weights = estimateWeightBytes(cfg, precision);
        long staticBytes = switch (mode) {
            case "a" -> 5 * weights;
            case "b" -> 4 * weights;
            case "c", "d" -> weights;
            default -> throw new IllegalArgumentException("case must be a, b, c or d, found " + mode);
        };
        long available = availableBytes();
        String label = String.format("case=%s layers=%d hidden=%d ffn=%d vocab=%d params=%.3fB tokens=2x%dx%d",
                mode, cfg.numHiddenLayers(), cfg.hiddenSize(), cfg.intermediateSize(), cfg.vocabSize(), params / 1e9,
                batch, seq);
        if (staticBytes > 0.8 * available) {
            System.out.printf("SKIP %s static=%.2fGB available=%.2fGB (does not fit)%n", label, staticBytes / 1e9,
                    available / 1e9);
            return;
        }
        try (NDManager root = NDManager.newBaseManager()) {
            long tb = System.nanoTime();
            CausalLm lm = randomModel(cfg, root, precision);
            LoraAdapters adapters = lora ? lm.attachAdapters(new LoraConfig(16, 32, 0, List.of("all"), false), 2) : null;
            System.out.printf("built %s in %.1f s%n", label, (System.nanoTime() - tb) / 1e9);
            Random r = new Random(3);
            List<TokenizedExample> forget = examples("f", batch, seq, cfg.vocabSize(), r);
            List<TokenizedExample> retain = examples("r", batch, seq, cfg.vocabSize(), r);
            Batch fb = Batches.sequential(forget, batch, 0).get(0);
            Batch rb = Batches.sequential(retain, batch, 0).get(0);
            ForwardFn policy = (b, m) -> lm.forward(b.inputIds(m), b.attentionMask(m), false).logits();
            CausalLm ref = mode.equals("a") ? lm.copy(root) : null;
            NpoLoss loss = new NpoLoss(NpoConfig.defaults(), new ReferenceNllCache());
            long before = statusKb("VmRSS:") * 1024;
            resetPeak();
            MallocCounters malloc = MallocCounters.open();
            long liveBefore = malloc == null ? -1 : malloc.resetPeak();
            long t0 = System.nanoTime();
            long refNs = 0;
            if (!mode.equals("a")) {
                // b: π_ref is the policy before its first update; c, d: the adapter-disabled base
                CausalLm source = lora ? lm.baseView() : lm;
                ForwardFn frozen = (b, m) -> source.forward(b.inputIds(m), b.attentionMask(m), false).logits().stopGradient();
                boolean grad = JniUtils.isGradMode();
                JniUtils.setGradMode(false);
                try {
                    loss.precompute(frozen, List.of(fb), root);
                } finally {
                    JniUtils.setGradMode(grad);
                }
                refNs = System.nanoTime() - t0;
            }
            ForwardFn reference = ref == null ? null
                    : (b, m) -> ref.forward(b.inputIds(m), b.attentionMask(m), false).logits().stopGradient();
            Map<String, NDArray> trainable = lora ? adapters.parameters() : lm.parameters();
            TrainingConfig tc = TrainingConfig.builder().setLearningRate(1e-5).optMaxSteps(1).optSchedule(Schedule.CONSTANT)
                    .optGradCheckpointing(mode.equals("d")).build();
            BatchSource source = new BatchSource() {
                @Override
                public int batchesPerEpoch() {
                    return 1;
                }

                @Override
                public Map<String, Batch> batches(int epoch, int index) {
                    return Map.of("forget", fb, "retain", rb);
                }
            };
            long ts = System.nanoTime();
            TrainingLoop loop = new TrainingLoop(tc, trainable, source, step -> loss.loss(policy, reference,
                    new StepBatches(step.batch("forget"), step.batches().get("retain"), null, null), step.manager()).total());
            TrainingLoop.Result res = loop.run();
            double stepS = (System.nanoTime() - ts) / 1e9;
            long peak = peakBytes();
            long livePeak = malloc == null ? -1 : malloc.peak();
            long trainableCount = trainable.values().stream().mapToLong(NDArray::size).sum();
            System.out.printf("RESULT %s peak_rss=%.3fGB rss_before=%.3fGB peak_live=%.3fGB live_before=%.3fGB"
                    + " static=%.3fGB weights=%.3fGB trainable=%d loss=%.4f ref_pass=%.1fs step=%.1fs tokens_per_s=%.1f%n",
                    label, peak / 1e9, before / 1e9, livePeak / 1e9, liveBefore / 1e9,
                    staticBytes / 1e9,
                    weights / 1e9, trainableCount, res.lastLoss(), refNs / 1e9, stepS, 2.0 * batch * seq / stepS);
            if (ref != null) {
                ref.close();
            }
            lm.close();
        }
    }

    /**
     * A model of {@code cfg} with weights drawn by libtorch (normal(0, 0.02), norms 1), each matrix converted
     * to {@code p} as it is made: no Java-heap buffers, so the process holds only what a loaded checkpoint
     * would hold (the values do not matter for memory or speed).
     */
    static CausalLm randomModel(ModelConfig cfg, NDManager root, Precision p) {
        Map<String, NDArray> w = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, ai.djl.ndarray.types.Shape> e : dev.unlearn.core.model.ParameterTable.shapes(cfg).entrySet()) {
            NDArray a = dev.unlearn.core.model.ParameterTable.isNorm(e.getKey())
                    ? root.ones(e.getValue()) : root.randomNormal(0f, 0.02f, e.getValue(), ai.djl.ndarray.types.DataType.FLOAT32);
            w.put(e.getKey(), CausalLm.stored(a, p));
        }
        return CausalLm.fromParameters(cfg, root, Device.cpu(), w);
    }

    /**
     * The live and peak malloc'd bytes that {@code benchmarks/native/malloc_peak.c}, preloaded, shares
     * through {@code /dev/shm/unlearn-malloc.<pid>}; null when the process runs without it.
     */
    static final class MallocCounters {
        private final java.nio.LongBuffer counters;

        private MallocCounters(java.nio.LongBuffer counters) {
            this.counters = counters;
        }

        static MallocCounters open() throws IOException {
            Path f = Path.of("/dev/shm/unlearn-malloc." + ProcessHandle.current().pid());
            if (!Files.exists(f)) {
                System.out.println("note: run with LD_PRELOAD=malloc_peak.so (benchmarks/npo-memory.sh builds it) to"
                        + " report peak live native bytes");
                return null;
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
                    java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.MappedByteBuffer b = ch.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, 16);
                return new MallocCounters(b.order(java.nio.ByteOrder.nativeOrder()).asLongBuffer());
            }
        }

        /** Sets the peak to the live bytes now, and returns them. */
        long resetPeak() {
            long live = counters.get(0);
            counters.put(1, live);
            return live;
        }

        long peak() {
            return counters.get(1);
        }
    }

    /** The config with the optional overrides of arguments 4 … 8 (layers, hidden, ffn, heads, kv heads). */
    static ModelConfig resized(ModelConfig c, String[] args) {
        int layers = TrainStep.intArg(args, 4, c.numHiddenLayers());
        int hidden = TrainStep.intArg(args, 5, c.hiddenSize());
        int ffn = TrainStep.intArg(args, 6, c.intermediateSize());
        int heads = TrainStep.intArg(args, 7, c.numAttentionHeads());
        int kv = TrainStep.intArg(args, 8, c.numKeyValueHeads());
        if (layers == c.numHiddenLayers() && hidden == c.hiddenSize() && ffn == c.intermediateSize()
                && heads == c.numAttentionHeads() && kv == c.numKeyValueHeads()) {
            return c;
        }
        return c.with("num_hidden_layers", layers).with("hidden_size", hidden).with("intermediate_size", ffn)
                .with("num_attention_heads", heads).with("num_key_value_heads", kv);
    }

    static long parameterCount(ModelConfig c) {
        return dev.unlearn.core.model.ParameterTable.shapes(c).values().stream().mapToLong(ai.djl.ndarray.types.Shape::size)
                .sum();
    }

    /** Bytes of the weights in {@code p}: matrices at its width, vectors at four bytes. */
    static long estimateWeightBytes(ModelConfig c, Precision p) {
        long bytes = 0;
        for (ai.djl.ndarray.types.Shape s : dev.unlearn.core.model.ParameterTable.shapes(c).values()) {
            bytes += s.size() * (s.dimension() >= 2 ? p.bytes() : 4);
        }
        return bytes;
    }

    private static List<TokenizedExample> examples(String prefix, int n, int seq, int vocab, Random r) {
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long[] ids = new long[seq];
            for (int j = 0; j < seq; j++) {
                ids[j] = r.nextInt(vocab);
            }
            out.add(new TokenizedExample(prefix + i, ids, seq / 4));
        }
        return out;
    }

    /** Resets the kernel's peak-RSS mark (VmHWM) of this process. */
    static void resetPeak() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    static long peakBytes() throws IOException {
        return statusKb("VmHWM:") * 1024;
    }

    static long availableBytes() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (l.startsWith("MemAvailable:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return Long.MAX_VALUE;
    }

    private static long statusKb(String key) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith(key)) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}

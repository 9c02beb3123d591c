package dev.unlearn.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.Scalars;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A decoder-only language model of any registered family: token embedding; N decoder layers of
 * RMSNorm, rotary grouped-query self-attention (optional q/k/v biases), RMSNorm and SwiGLU MLP; a final
 * RMSNorm; a tied or separate LM head. It matches Hugging Face {@code LlamaForCausalLM} /
 * {@code Qwen2ForCausalLM}; the differences of the other families (Qwen3's q/k norms, Gemma 2's
 * scaled embeddings, offset norms, GeGLU, soft-caps and sliding windows, Phi-3's fused projections) come
 * from the config's {@link Architecture}.
 *
 * <p>Weights are plain {@link NDArray}s keyed by HF tensor name ({@link #parameters()}); they are the
 * live weights, so a training loop can mark them with {@code setRequiresGradient(true)} and update
 * them in place, and {@link #forward} is differentiable under a DJL gradient collector. The model owns
 * one manager (a child of the one it was created in) holding weights and RoPE tables; forward results
 * belong to the input ids' manager. Not a DJL {@code Block}: the contract here is the HF name table,
 * which DJL block names cannot express (STYLE §1).
 */
public final class CausalLm implements AutoCloseable {
    private static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> params;
    private final DataType dtype;
    private final Layer[] layers;
    private final NDArray embed;
    private final NDArray finalNorm;
    private final NDArray head;
    /** The RoPE tables, shared with {@link #baseView()}s (grown on demand by either). */
    private final Rope rope;
    private NDManager closeAlso;
    /** LoRA adapters, or null; a base view never has any. */
    private LoraAdapters adapters;
    /** Whether this is a {@link #baseView()} (it owns nothing). */
    private final boolean view;

    private final Architecture arch;

    private static final class Rope {
        NDArray cos;
        NDArray signedSin;
    }

    /** One layer's weights; a family's optional ones are null (qkv / gateUp: Phi-3's fused tensors). */
    private record Layer(NDArray inNorm, NDArray q, NDArray qb, NDArray k, NDArray kb, NDArray v, NDArray vb,
            NDArray o, NDArray ob, NDArray postNorm, NDArray gate, NDArray up, NDArray down, NDArray qkv,
            NDArray gateUp, NDArray qNorm, NDArray kNorm, NDArray preFfnNorm, NDArray postFfnNorm) {}

    private CausalLm(ModelConfig config, NDManager manager, LinkedHashMap<String, NDArray> params) {
        this.config = config;
        this.arch = config.architecture();
        this.manager = manager;
        this.params = params;
        this.embed = params.get(ParameterTable.EMBED);
        // half-precision matrices compute in float32 activations (Precision); otherwise the weights' type
        this.dtype = Precision.of(embed).half() ? DataType.FLOAT32 : embed.getDataType();
        this.finalNorm = params.get(ParameterTable.NORM);
        this.head = config.tieWordEmbeddings() ? embed : params.get(ParameterTable.LM_HEAD);
        this.layers = new Layer[config.numHiddenLayers()];
        this.rope = new Rope();
        this.view = false;
        for (int i = 0; i < layers.length; i++) {
            int l = i;
            java.util.function.Function<String, NDArray> p = s -> params.get(ParameterTable.layer(l, s));
            layers[i] = new Layer(p.apply("input_layernorm.weight"), p.apply("self_attn.q_proj.weight"),
                    p.apply("self_attn.q_proj.bias"), p.apply("self_attn.k_proj.weight"),
                    p.apply("self_attn.k_proj.bias"), p.apply("self_attn.v_proj.weight"),
                    p.apply("self_attn.v_proj.bias"), p.apply("self_attn.o_proj.weight"),
                    p.apply("self_attn.o_proj.bias"), p.apply("post_attention_layernorm.weight"),
                    p.apply("mlp.gate_proj.weight"), p.apply("mlp.up_proj.weight"), p.apply("mlp.down_proj.weight"),
                    p.apply("self_attn.qkv_proj.weight"), p.apply("mlp.gate_up_proj.weight"),
                    p.apply("self_attn.q_norm.weight"), p.apply("self_attn.k_norm.weight"),
                    p.apply("pre_feedforward_layernorm.weight"), p.apply("post_feedforward_layernorm.weight"));
        }
        // grown on demand (ropeSlice): a 128k-position table would cost ~100 MB up front
        buildRope(Math.min(config.maxPositionEmbeddings(), 4096));
    }

    /** A base view of {@code of}: the same weights, tables and manager, no adapters, owning nothing. */
    private CausalLm(CausalLm of) {
        this.config = of.config;
        this.arch = of.arch;
        this.manager = of.manager;
        this.params = of.params;
        this.embed = of.embed;
        this.dtype = of.dtype;
        this.finalNorm = of.finalNorm;
        this.head = of.head;
        this.layers = of.layers;
        this.rope = of.rope;
        this.view = true;
    }

    /**
     * A model with seeded random weights: normal(0, 0.02) for matrices and biases, norms whose
     * effective scale is one (weights 1, or 0 under Gemma's {@code 1 + w}); drawn in Java so the same
     * seed gives the same weights everywhere.
     */
    public static CausalLm random(ModelConfig config, NDManager parent, Device device, long seed) {
        return random(config, parent, device, seed, Precision.FP32);
    }

    /**
     * {@link #random(ModelConfig, NDManager, Device, long)} with the matrices stored in {@code precision}:
     * each is drawn in float32 and converted at once, so a half-precision model never holds a float32 copy
     * of more than one tensor.
     */
    public static CausalLm random(ModelConfig config, NDManager parent, Device device, long seed,
            Precision precision) {
        Engines.pytorch();
        NDManager m = parent.newSubManager(device);
        Random rnd = new Random(seed);
        LinkedHashMap<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : ParameterTable.shapes(config).entrySet()) {
            float[] data = new float[Math.toIntExact(e.getValue().size())];
            if (ParameterTable.isNorm(e.getKey())) {
                java.util.Arrays.fill(data, (float) (1.0 - config.architecture().normOffset()));
            } else {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (rnd.nextGaussian() * 0.02);
                }
            }
            NDArray a = stored(m.create(data, e.getValue()), precision);
            a.setName(e.getKey());
            p.put(e.getKey(), a);
        }
        return new CausalLm(config, m, p);
    }

    /**
     * A weight as a model of {@code precision} stores it: a matrix (two or more axes) converted to the half
     * type, closing the float32 input; vectors (norms, biases) and float32 models unchanged.
     */
    public static NDArray stored(NDArray weight, Precision precision) {
        if (!precision.half() || weight.getShape().dimension() < 2 || Precision.of(weight) == precision) {
            return weight;
        }
        NDArray h = dev.unlearn.core.TorchKernels.cast(weight, precision);
        weight.close();
        return h;
    }

    /**
     * Wraps given weights (HF names, all of one floating type) in a model that owns a new child of
     * {@code parent}; the arrays are attached to it. Names and shapes are checked against the config.
     */
    public static CausalLm fromParameters(ModelConfig config, NDManager parent, Device device,
            Map<String, NDArray> weights) {
        return fromParameters(config, parent, device, weights, false);
    }

    /**
     * As {@link #fromParameters(ModelConfig, NDManager, Device, Map)}; with {@code closeParent} the
     * model also closes {@code parent} (a base manager made just for it) when closed.
     */
    public static CausalLm fromParameters(ModelConfig config, NDManager parent, Device device,
            Map<String, NDArray> weights, boolean closeParent) {
        Engines.pytorch();
        LinkedHashMap<String, Shape> expected = ParameterTable.shapes(config);
        for (String n : weights.keySet()) {
            if (!expected.containsKey(n)) {
                throw new InvalidInputException("unexpected tensor '" + n + "' for " + config);
            }
        }
        NDArray embedding = weights.get(ParameterTable.EMBED);
        Precision storage = embedding == null ? Precision.FP32 : Precision.of(embedding);
        DataType dt = null;
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            NDArray a = weights.get(e.getKey());
            if (a == null) {
                throw new InvalidInputException("missing tensor '" + e.getKey() + "' (shape " + e.getValue()
                        + ") for " + config);
            }
            if (!a.getShape().equals(e.getValue())) {
                throw new InvalidInputException("tensor '" + e.getKey() + "': shape " + a.getShape()
                        + " does not match the config, expected " + e.getValue());
            }
            if (storage.half()) {
                // half-precision models: matrices in the half type, vectors (norms, biases) in float32
                Precision want = e.getValue().dimension() >= 2 ? storage : Precision.FP32;
                if (Precision.of(a) != want || (!want.half() && a.getDataType() != DataType.FLOAT32)) {
                    throw new InvalidInputException("tensor '" + e.getKey() + "' is " + Precision.of(a).key()
                            + " but a " + storage.key() + " model stores matrices in " + storage.key()
                            + " and vectors in fp32 (see CausalLm.stored)");
                }
            } else if (dt == null) {
                dt = a.getDataType();
            } else if (a.getDataType() != dt) {
                throw new InvalidInputException("tensor '" + e.getKey() + "' is " + a.getDataType()
                        + " but others are " + dt + "; convert all weights to one type");
            }
        }
        NDManager m = parent.newSubManager(device);
        LinkedHashMap<String, NDArray> p = new LinkedHashMap<>();
        for (String n : expected.keySet()) {
            NDArray a = weights.get(n);
            a.attach(m);
            a.setName(n);
            p.put(n, a);
        }
        CausalLm lm = new CausalLm(config, m, p);
        if (closeParent) {
            lm.closeAlso = parent;
        }
        return lm;
    }

    public ModelConfig config() {
        return config;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The model's own manager (weights, RoPE tables). */
    public NDManager manager() {
        return manager;
    }

    /** Compute type of the activations (float32 normally; float32 too for a half-precision model). */
    public DataType dataType() {
        return dtype;
    }

    /** How the weight matrices are stored and multiplied ({@link Precision}). */
    public Precision precision() {
        return Precision.of(embed);
    }

    /** The live weights by HF name (a new map each call; the arrays are shared, not copied). */
    public LinkedHashMap<String, NDArray> parameters() {
        return new LinkedHashMap<>(params);
    }

    /**
     * Adds fresh LoRA adapters ({@link LoraAdapters}: A kaiming-uniform from {@code seed}, B zero, so the
     * outputs do not change) and freezes the base: every base weight stops requiring a gradient, so only
     * the adapters' A and B can train. Forward passes from now on include the adapters; {@link #baseView()}
     * runs without them.
     *
     * @throws InvalidInputException for a target the family does not have, or when adapters are attached already
     */
    public LoraAdapters attachAdapters(LoraConfig lora, long seed) {
        requireNoAdapters();
        return install(LoraAdapters.fresh(lora, config, params, manager, seed));
    }

    /**
     * Adds LoRA adapters from given tensors by PEFT name (an adapter file, see {@code PeftAdapter}); the
     * base freezes as with {@link #attachAdapters(LoraConfig, long)}. The tensors are copied.
     */
    public LoraAdapters attachAdapters(LoraConfig lora, Map<String, NDArray> peftTensors) {
        requireNoAdapters();
        return install(LoraAdapters.of(lora, params, peftTensors, manager));
    }

    private void requireNoAdapters() {
        if (view) {
            throw new IllegalStateException("a base view takes no adapters");
        }
        if (adapters != null) {
            throw new InvalidInputException("this model has LoRA adapters already");
        }
    }

    private LoraAdapters install(LoraAdapters a) {
        for (NDArray p : params.values()) {
            if (p.hasGradient()) {
                p.setRequiresGradient(false);
            }
        }
        adapters = a;
        return a;
    }

    /** The attached LoRA adapters, or null (always null on a base view). */
    public LoraAdapters adapters() {
        return adapters;
    }

    /**
     * The model without its adapters: the same (frozen) base weights and tables, nothing copied; with no
     * adapters attached it computes what this model computes. Closing a view frees nothing. It is the
     * reference model of adapter runs (PEFT's {@code disable_adapter()}).
     */
    public CausalLm baseView() {
        return new CausalLm(this);
    }

    /** Whether this is a {@link #baseView()}. */
    public boolean isBaseView() {
        return view;
    }

    /**
     * Merges the adapters into the base weights in place, {@code W ← W + s · B · A} in the weights' type
     * (PEFT's {@code merge_and_unload}), and drops them; afterwards the model is a plain model whose
     * weights are the merged ones. Does nothing without adapters.
     */
    public void mergeAdapters() {
        if (adapters == null) {
            return;
        }
        boolean gradMode = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try (NDManager s = manager.newSubManager()) {
            for (String w : adapters.adaptedWeights()) {
                NDArray d = adapters.delta(w, s);
                params.get(w).addi(d.getDataType() == dtype ? d : d.toType(dtype, false));
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(gradMode);
        }
        detachAdapters();
    }

    /** Drops the adapters (freeing A and B) without merging them; the base weights stay frozen. */
    public void detachAdapters() {
        if (adapters != null) {
            adapters.close();
            adapters = null;
        }
    }

    /** A deep copy of the weights in a new child of {@code parent} (e.g. a frozen reference model). */
    public CausalLm copy(NDManager parent) {
        return copy(parent, dtype);
    }

    /** A deep copy converted to {@code type} (e.g. FLOAT64 for a reference forward). */
    public CausalLm copy(NDManager parent, DataType type) {
        NDManager m = parent.newSubManager(device());
        LinkedHashMap<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray detached = e.getValue().stopGradient();
            NDArray c;
            if (type == dtype && Precision.of(detached).half()) {
                c = detached.duplicate(); // a half-precision model's copy keeps its storage
            } else if (Precision.of(detached).half()) {
                c = dev.unlearn.core.TorchKernels.cast(detached, Precision.FP32);
                if (type != DataType.FLOAT32) {
                    NDArray w = c;
                    c = w.toType(type, false);
                    w.close();
                }
            } else {
                // toType(sameType, copy = true) returns a view sharing storage on the PyTorch engine: duplicate instead
                c = type == detached.getDataType() ? detached.duplicate() : detached.toType(type, false);
            }
            detached.close();
            c.attach(m);
            c.setName(e.getKey());
            p.put(e.getKey(), c);
        }
        return new CausalLm(config, m, p);
    }

    /** Full forward of right-padded ids without cache. */
    public LmOutput forward(NDArray inputIds, NDArray attentionMask, boolean withHidden) {
        NDArray ids = ids(inputIds);
        long b = ids.getShape().get(0);
        int t = Math.toIntExact(ids.getShape().get(1));
        NDManager m = inputIds.getManager();
        return run(ids, 0, fullMasks(m, b, t, attentionMask), null, withHidden);
    }

    /**
     * The raw output of decoder layer {@code layer} (0-based), {@code [B, T, D]}: what a forward hook on
     * Hugging Face's {@code model.layers[layer]} sees, before any later layer and before the final norm.
     * The forward stops there. Below the last layer this equals {@code hidden_states[layer + 1]}; at the
     * last layer it does not, since HF's last hidden state is taken after the final norm.
     */
    public NDArray layerOutput(NDArray inputIds, NDArray attentionMask, int layer) {
        if (layer < 0 || layer >= layers.length) {
            throw new IllegalArgumentException("layer " + layer + " does not exist; the model has " + layers.length
                    + " decoder layers (0 … " + (layers.length - 1) + ")");
        }
        NDArray ids = ids(inputIds);
        long b = ids.getShape().get(0);
        int t = Math.toIntExact(ids.getShape().get(1));
        NDManager m = inputIds.getManager();
        return decode(ids, 0, fullMasks(m, b, t, attentionMask), null, null, layer);
    }

    /** A fresh key/value cache whose arrays live under {@code parent}. */
    public KvCache newCache(NDManager parent) {
        return new KvCache(parent, layers.length);
    }

    /**
     * Forward of new tokens ids [B, Tn] (no padding) after the positions held in {@code cache}, which
     * it extends. Logits equal those of the full forward at the same positions.
     */
    public LmOutput forwardIncremental(NDArray inputIds, KvCache cache) {
        NDArray ids = ids(inputIds);
        long b = ids.getShape().get(0);
        int t = Math.toIntExact(ids.getShape().get(1));
        int offset = cache.length();
        NDManager m = inputIds.getManager();
        // one new token sees every cached key unless a sliding window has begun to drop some
        java.util.function.IntFunction<NDArray> masks = w -> t == 1 && (w == 0 || offset < w) ? null
                : mask(m, b, t, offset, offset + t, null, w);
        LmOutput out = run(ids, offset, masks, cache, false);
        cache.advance(t);
        return out;
    }

    private NDArray ids(NDArray inputIds) {
        if (inputIds.getShape().dimension() != 2) {
            throw new IllegalArgumentException("input ids must be [B, T], got " + inputIds.getShape());
        }
        return inputIds.getDataType() == DataType.INT64 ? inputIds : inputIds.toType(DataType.INT64, false);
    }

    /** Runs the stack; {@code masks} gives the additive mask for a sliding window (0: full attention). */
    private LmOutput run(NDArray ids, int offset, java.util.function.IntFunction<NDArray> masks, KvCache cache,
            boolean withHidden) {
        List<NDArray> hidden = withHidden ? new ArrayList<>() : null;
        NDArray x = decode(ids, offset, masks, cache, hidden, layers.length - 1);
        x = DecoderOps.rmsNorm(x, finalNorm, config.rmsNormEps(), arch.normOffset());
        if (withHidden) {
            hidden.add(x);
        }
        NDArray logits = Layers.linear(x, head, null);
        if (arch.finalSoftcap() > 0) {
            logits = DecoderOps.softcap(logits, arch.finalSoftcap());
        }
        return new LmOutput(logits, withHidden ? hidden : Collections.emptyList());
    }

    /**
     * Embedding and decoder layers {@code 0 … last}; returns the raw output of layer {@code last} and adds
     * each layer's input to {@code hidden} unless it is null. Under an open {@link LayerCheckpoints} tape a
     * training forward (no cache, no hidden states, something trains) runs its layers checkpointed.
     */
    private NDArray decode(NDArray ids, int offset, java.util.function.IntFunction<NDArray> masks, KvCache cache,
            List<NDArray> hidden, int last) {
        NDManager m = ids.getManager();
        long t = ids.getShape().get(1);
        NDArray[] rope = ropeSlice(m, offset, t);
        NDArray x = Layers.embedding(ids, embed);
        if (arch.embedScale() != 1.0) {
            // HF Gemma: embeddings times sqrt(hidden) rounded to the activation dtype
            x = Scalars.mul(x, arch.embedScale());
        }
        Map<Integer, NDArray> maskByWindow = new java.util.HashMap<>();
        LayerCheckpoints tape = hidden == null && cache == null ? LayerCheckpoints.current() : null;
        if (tape != null && ai.djl.pytorch.jni.JniUtils.isGradMode()) {
            int lowest = LayerCheckpoints.lowestTrainable(params, last);
            if (adapters != null) {
                lowest = Math.min(lowest, LayerCheckpoints.lowestTrainable(adapters.parameters(), last));
            }
            boolean embedTrains = embed.hasGradient();
            if (lowest <= last || embedTrains) {
                java.util.function.LongConsumer reseed = adapters != null && adapters.training()
                        && adapters.config().dropout() > 0 ? adapters::seedDropout : null;
                return tape.record(x, embedTrains, last, lowest,
                        (i, in, lm) -> layers(in, i, i, rope, masks, null, null, maskByWindow), reseed);
            }
        }
        if (cache == null && hidden == null) {
            return layersFreeing(x, last, rope, masks, maskByWindow);
        }
        return layers(x, 0, last, rope, masks, cache, hidden, maskByWindow);
    }

    /**
     * Layers {@code 0 … last} without a cache or hidden states: each layer runs in a manager of its own,
     * closed once its output exists. DJL frees an array only with its manager, so otherwise every
     * intermediate of every layer would stay alive until the caller's manager closes; closing a layer's
     * handles frees what autograd did not save (it keeps its own references to what the backward needs),
     * and everything in a forward that records no autograd. The same operations as {@link #layers}, bit
     * for bit.
     */
    private NDArray layersFreeing(NDArray x, int last, NDArray[] rope, java.util.function.IntFunction<NDArray> masks,
            Map<Integer, NDArray> maskByWindow) {
        NDManager outer = x.getManager();
        for (int i = 0; i <= last; i++) {
            try (NDManager lm = outer.newSubManager()) {
                x.attach(lm);
                NDArray y = layers(x, i, i, rope, masks, null, null, maskByWindow);
                y.attach(outer);
                x = y;
            }
        }
        return x;
    }

    /** Decoder layers {@code first … last} from their input {@code x} (results join its manager). */
    private NDArray layers(NDArray x, int first, int last, NDArray[] rope,
            java.util.function.IntFunction<NDArray> masks, KvCache cache, List<NDArray> hidden,
            Map<Integer, NDArray> maskByWindow) {
        double eps = config.rmsNormEps();
        double off = arch.normOffset();
        for (int i = first; i <= last; i++) {
            Layer l = layers[i];
            if (hidden != null) {
                hidden.add(x);
            }
            NDArray a = DecoderOps.rmsNorm(x, l.inNorm, eps, off);
            if (adapters != null) {
                x = adaptedLayer(i, l, x, a, rope, masks, cache, maskByWindow);
                continue;
            }
            // q, k and v, gate and up: one GEMM each (Phi-3's fused tensors: one GEMM, split). Joining the weights
            // for one GEMM would copy them on every call and, in training, concatenate the split outputs'
            // gradients in the backward pass; on CPU that cost more than the larger GEMM saved.
            NDList qkv = l.qkv != null ? splitQkv(Layers.linear(a, l.qkv, null))
                    : new NDList(Layers.linear(a, l.q, l.qb), Layers.linear(a, l.k, l.kb), Layers.linear(a, l.v, l.vb));
            NDArray ctx = attention(i, l, qkv, rope, cache, masks, maskByWindow);
            NDArray attnOut = Layers.linear(ctx, l.o, l.ob);
            x = residual(l, x, attnOut, y -> l.gateUp != null ? DecoderOps.gatedMlp(y, l.gateUp, l.down, arch.geluTanh())
                    : DecoderOps.gatedMlp(y, l.gate, l.up, l.down, arch.geluTanh()));
        }
        return x;
    }

    /** Phi-3's fused q/k/v projection output [B, T, (H + 2 KVH) dh] split into q, k and v (views). */
    private NDList splitQkv(NDArray qkv) {
        long qd = (long) config.numAttentionHeads() * config.headDim();
        long kd = (long) config.numKeyValueHeads() * config.headDim();
        return Layers.splitLast(qkv, qd, kd, kd);
    }

    /**
     * The attention of layer {@code i} from its q/k/v projections {@code qkv} ([B, T, H dh], [B, T, KVH dh]
     * twice): per-head q/k norms (Qwen3: RMSNorm over each head's dimension, before RoPE), RoPE, the KV
     * cache, the layer's mask; returns the context [B, T, H dh] before the output projection.
     */
    private NDArray attention(int i, Layer l, NDList qkv, NDArray[] rope, KvCache cache,
            java.util.function.IntFunction<NDArray> masks, Map<Integer, NDArray> maskByWindow) {
        long b = qkv.get(0).getShape().get(0);
        long t = qkv.get(0).getShape().get(1);
        int h = config.numAttentionHeads();
        int kvh = config.numKeyValueHeads();
        int dh = config.headDim();
        double eps = config.rmsNormEps();
        NDArray q = qkv.get(0).reshape(b, t, h, dh);
        NDArray k = qkv.get(1).reshape(b, t, kvh, dh);
        if (l.qNorm != null) {
            q = Layers.rmsNorm(q, l.qNorm, eps);
            k = Layers.rmsNorm(k, l.kNorm, eps);
        }
        q = q.transpose(0, 2, 1, 3);
        k = k.transpose(0, 2, 1, 3);
        NDArray v = qkv.get(2).reshape(b, t, kvh, dh).transpose(0, 2, 1, 3);
        q = Layers.ropeSigned(q, rope[0], rope[1]);
        k = Layers.ropeSigned(k, rope[0], rope[1]);
        if (cache != null) {
            NDList kv = cache.append(i, k, v);
            k = kv.get(0);
            v = kv.get(1);
        }
        NDArray mask = maskByWindow.computeIfAbsent(arch.window(i), masks::apply);
        return DecoderOps.attention(q, k, v, mask, arch.attentionScale(), arch.attnSoftcap());
    }

    /**
     * The residual stream after layer {@code l}'s attention output: add it and the MLP of the normed
     * stream; Gemma 2 (sandwich norms) also norms the attention and MLP outputs before adding them.
     */
    private NDArray residual(Layer l, NDArray x, NDArray attnOut, java.util.function.UnaryOperator<NDArray> mlp) {
        double eps = config.rmsNormEps();
        double off = arch.normOffset();
        if (arch.sandwichNorms()) {
            x = x.add(DecoderOps.rmsNorm(attnOut, l.postNorm, eps, off));
            NDArray y = DecoderOps.rmsNorm(x, l.preFfnNorm, eps, off);
            return x.add(DecoderOps.rmsNorm(mlp.apply(y), l.postFfnNorm, eps, off));
        }
        x = x.add(attnOut);
        return x.add(mlp.apply(DecoderOps.rmsNorm(x, l.postNorm, eps, off)));
    }

    /**
     * One decoder layer with LoRA adapters ({@code a}: the normed input): every projection is its own GEMM
     * plus, where adapted, {@code s · B (A (dropout(in)))} (PEFT's {@code lora.Linear}); Phi-3's fused
     * projections are adapted as one module each, as PEFT adapts them.
     */
    private NDArray adaptedLayer(int i, Layer l, NDArray x, NDArray a, NDArray[] rope,
            java.util.function.IntFunction<NDArray> masks, KvCache cache, Map<Integer, NDArray> maskByWindow) {
        NDList qkv = l.qkv != null ? splitQkv(proj(i, "self_attn.qkv_proj", a, l.qkv, null))
                : new NDList(proj(i, "self_attn.q_proj", a, l.q, l.qb), proj(i, "self_attn.k_proj", a, l.k, l.kb),
                        proj(i, "self_attn.v_proj", a, l.v, l.vb));
        NDArray ctx = attention(i, l, qkv, rope, cache, masks, maskByWindow);
        return residual(l, x, proj(i, "self_attn.o_proj", ctx, l.o, l.ob), y -> adaptedMlp(i, l, y));
    }

    /** The gated MLP of layer {@code i} with its adapters: down(act(gate y) * up y). */
    private NDArray adaptedMlp(int i, Layer l, NDArray y) {
        NDArray g;
        NDArray u;
        if (l.gateUp != null) {
            long f = l.gateUp.getShape().get(0) / 2;
            NDList gu = Layers.splitLast(proj(i, "mlp.gate_up_proj", y, l.gateUp, null), f, f);
            g = gu.get(0);
            u = gu.get(1);
        } else {
            g = proj(i, "mlp.gate_proj", y, l.gate, null);
            u = proj(i, "mlp.up_proj", y, l.up, null);
        }
        NDArray act = arch.geluTanh() ? DecoderOps.geluTanh(g).mul(u) : dev.unlearn.core.TorchKernels.siluMul(g, u);
        return proj(i, "mlp.down_proj", act, l.down, null);
    }

    /** {@code linear(x, w, bias)} plus the adapter of layer {@code i}'s {@code module}, if any. */
    private NDArray proj(int i, String module, NDArray x, NDArray w, NDArray bias) {
        return adapters.apply(ParameterTable.layer(i, module + ".weight"), x, Layers.linear(x, w, bias));
    }

    /**
     * The masks of a full forward (no cache) by sliding window. Without padding, full-attention layers of a
     * family without soft-capped attention get no mask array, which {@link DecoderOps#attention} reads as
     * the causal mask (libtorch's fused attention then skips the masked half of the scores instead of adding
     * a mask to them); soft-capped attention takes the explicit path, which gets its mask built here once
     * per window.
     */
    private java.util.function.IntFunction<NDArray> fullMasks(NDManager m, long b, int t, NDArray attentionMask) {
        boolean causalOnly = arch.attnSoftcap() == 0 && (attentionMask == null || allOnes(attentionMask));
        return w -> w == 0 && causalOnly ? null : mask(m, b, t, 0, t, attentionMask, w);
    }

    /** Whether an attention mask keeps every position (no padding). */
    private static boolean allOnes(NDArray attentionMask) {
        for (long v : attentionMask.toType(DataType.INT64, false).toLongArray()) {
            if (v == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Additive mask [B|1, 1, 1, T, Tk]: causal (query i sees keys up to offset+i) plus key padding; with
     * a sliding window w &gt; 0 only the keys j with offset+i-j &lt; w (HF {@code sliding_window_overlay}).
     */
    private NDArray mask(NDManager m, long b, int t, int offset, int tk, NDArray attentionMask, int window) {
        long[] keep = null;
        int mb = 1;
        if (attentionMask != null) {
            if (!attentionMask.getShape().equals(new Shape(b, tk))) {
                throw new IllegalArgumentException("attention mask must be [" + b + ", " + tk + "], got "
                        + attentionMask.getShape());
            }
            keep = attentionMask.toType(DataType.INT64, false).toLongArray();
            mb = (int) b;
        }
        float[] data = new float[mb * t * tk];
        for (int s = 0; s < mb; s++) {
            for (int i = 0; i < t; i++) {
                int base = (s * t + i) * tk;
                for (int j = 0; j < tk; j++) {
                    boolean ok = j <= offset + i && (keep == null || keep[s * tk + j] != 0)
                            && (window == 0 || offset + i - j < window);
                    data[base + j] = ok ? 0f : MASKED;
                }
            }
        }
        NDArray a = m.create(data, new Shape(mb, 1, 1, t, tk));
        return dtype == DataType.FLOAT32 ? a : a.toType(dtype, false);
    }

    private NDArray[] ropeSlice(NDManager m, int offset, long t) {
        NDArray c;
        NDArray s;
        synchronized (rope) {
            if (offset + t > rope.cos.getShape().get(0)) {
                buildRope(Math.max(offset + t, 2 * rope.cos.getShape().get(0)));
            }
            c = rope.cos.get(new NDIndex("{}:{}", offset, offset + t));
            s = rope.signedSin.get(new NDIndex("{}:{}", offset, offset + t));
        }
        c.attach(m);
        s.attach(m);
        return new NDArray[] {c, s};
    }

    /**
     * cos and signed-sin tables [positions, Dh], computed in double (HF: inv_freq = theta^(-2i/Dh) scaled by
     * {@code rope_scaling}, emb = cat(f, f); the sine table is cat(-sin f, sin f), see {@link Layers#ropeSigned}).
     */
    private void buildRope(long positions) {
        int dh = config.headDim();
        int n = Math.toIntExact(positions);
        double[] c = new double[n * dh];
        double[] s = new double[n * dh];
        double[] inv = config.ropeInverseFrequencies();
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < dh / 2; i++) {
                double invFreq = inv[i];
                double ang = p * invFreq;
                c[p * dh + i] = c[p * dh + i + dh / 2] = Math.cos(ang);
                // sine with rotate-half's sign folded in (Layers.ropeSigned): -sin for the first half
                s[p * dh + i] = -Math.sin(ang);
                s[p * dh + i + dh / 2] = Math.sin(ang);
            }
        }
        NDArray nc = table(c, n, dh);
        NDArray ns = table(s, n, dh);
        synchronized (rope) {
            if (rope.cos != null) {
                rope.cos.close();
                rope.signedSin.close();
            }
            rope.cos = nc;
            rope.signedSin = ns;
        }
    }

    private NDArray table(double[] data, int n, int dh) {
        NDArray d = manager.create(data, new Shape(n, dh));
        if (dtype == DataType.FLOAT64) {
            return d;
        }
        NDArray out = d.toType(dtype, false);
        d.close();
        return out;
    }

    /** Frees the weights, adapters and tables (and the manager given with {@code closeParent}); a base view frees nothing. */
    @Override
    public void close() {
        if (view) {
            return;
        }
        manager.close();
        if (closeAlso != null) {
            closeAlso.close();
        }
    }
}

package dev.unlearn.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.Scalars;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The LoRA adapters of one {@link CausalLm} ({@link CausalLm#attachAdapters}): per targeted linear weight
 * {@code W [out, in]} a pair {@code A [r, in]}, {@code B [out, r]}, so the layer computes
 * {@code W x + s · B (A (dropout(x)))} as PEFT's {@code lora.Linear.forward} (PEFT 0.20.0). Fresh adapters
 * are initialised as PEFT's {@code init_lora_weights=True}: A by {@code kaiming_uniform_(a=sqrt(5))}, that is
 * uniform on {@code ±1/sqrt(in)}, drawn in Java from a seeded {@link Random} so a seed gives the same A
 * everywhere; B zero, so a fresh adapter leaves the model's outputs unchanged.
 *
 * <p>Parameter names are those PEFT's {@code get_peft_model_state_dict} writes,
 * {@code base_model.model.<module>.lora_A.weight} / {@code lora_B.weight}, in the model's tensor order
 * (A before B). The arrays live in a child of the model's manager.
 *
 * <p>Dropout acts only while {@link #training()} is on (the training loop's forward passes); its masks
 * come from libtorch's generator, which {@link #seedDropout} reseeds per micro-batch.
 */
public final class LoraAdapters {
    /** The prefix PEFT puts before a module name in an adapter file. */
    public static final String PREFIX = "base_model.model.";

    /** One adapted weight's A and B. */
    record Pair(NDArray a, NDArray b) {}

    private final LoraConfig config;
    private final List<String> modules;
    private final double scale;
    private final NDManager manager;
    private final LinkedHashMap<String, Pair> byWeight;
    private boolean training;

    private LoraAdapters(LoraConfig config, List<String> modules, NDManager manager, LinkedHashMap<String, Pair> byWeight) {
        this.config = config;
        this.modules = List.copyOf(modules);
        this.scale = config.scale();
        this.manager = manager;
        this.byWeight = byWeight;
    }

    /** Fresh adapters on {@code modules} of {@code base} (A kaiming-uniform from {@code seed}, B zero). */
    static LoraAdapters fresh(LoraConfig config, ModelConfig mc, Map<String, NDArray> base, NDManager parent, long seed) {
        List<String> modules = config.resolve(mc);
        NDManager m = parent.newSubManager();
        Random rnd = new Random(seed);
        LinkedHashMap<String, Pair> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : base.entrySet()) {
            String mod = LoraConfig.moduleOf(e.getKey());
            if (mod == null || !modules.contains(mod)) {
                continue;
            }
            Shape s = e.getValue().getShape();
            long outDim = s.get(0);
            int in = Math.toIntExact(s.get(1));
            float[] a = new float[Math.toIntExact((long) config.rank() * in)];
            double bound = 1.0 / Math.sqrt(in);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
            DataType t = adapterType(e.getValue());
            NDArray aa = m.create(a, new Shape(config.rank(), in)).toType(t, false);
            NDArray bb = m.zeros(new Shape(outDim, config.rank()), t);
            name(aa, bb, e.getKey());
            out.put(e.getKey(), new Pair(aa, bb));
        }
        return new LoraAdapters(config, modules, m, out);
    }

    /**
     * Adapters from given A and B tensors by PEFT name (an adapter file); every name must belong to a
     * linear weight of {@code base} and carry both halves with shapes {@code [r, in]} and {@code [out, r]}.
     */
    static LoraAdapters of(LoraConfig config, Map<String, NDArray> base, Map<String, NDArray> tensors, NDManager parent) {
        LinkedHashMap<String, Pair> out = new LinkedHashMap<>();
        java.util.Set<String> used = new java.util.HashSet<>();
        java.util.Set<String> mods = new java.util.LinkedHashSet<>();
        NDManager m = parent.newSubManager();
        try {
            for (Map.Entry<String, NDArray> e : base.entrySet()) {
                String mod = LoraConfig.moduleOf(e.getKey());
                if (mod == null) {
                    continue;
                }
                String an = nameA(e.getKey());
                String bn = nameB(e.getKey());
                NDArray a = tensors.get(an);
                NDArray b = tensors.get(bn);
                if (a == null && b == null) {
                    continue;
                }
                if (a == null || b == null) {
                    throw new InvalidInputException("adapter tensor '" + (a == null ? an : bn) + "' is missing (its pair '"
                            + (a == null ? bn : an) + "' is present)");
                }
                Shape ws = e.getValue().getShape();
                Shape as = new Shape(config.rank(), ws.get(1));
                Shape bs = new Shape(ws.get(0), config.rank());
                if (!a.getShape().equals(as) || !b.getShape().equals(bs)) {
                    throw new InvalidInputException("adapter tensors of '" + e.getKey() + "' have shapes " + a.getShape()
                            + " and " + b.getShape() + "; rank " + config.rank() + " needs " + as + " and " + bs);
                }
                NDArray aa = copyAs(a, adapterType(e.getValue()));
                NDArray bb = copyAs(b, adapterType(e.getValue()));
                aa.attach(m);
                bb.attach(m);
                name(aa, bb, e.getKey());
                out.put(e.getKey(), new Pair(aa, bb));
                used.add(an);
                used.add(bn);
                mods.add(mod);
            }
            for (String n : tensors.keySet()) {
                if (!used.contains(n)) {
                    throw new InvalidInputException("adapter tensor '" + n + "' does not adapt a linear module of this"
                            + " model (expected names like " + nameA(ParameterTable.layer(0, "self_attn.q_proj.weight")) + ")");
                }
            }
            if (out.isEmpty()) {
                throw new InvalidInputException("the adapter holds no tensors");
            }
        } catch (RuntimeException ex) {
            m.close();
            throw ex;
        }
        return new LoraAdapters(config.withTargets(List.copyOf(mods)), List.copyOf(mods), m, out);
    }

    /** The adapters' type for a base weight: its own, float32 over a half-precision base ({@link Precision}). */
    private static DataType adapterType(NDArray baseWeight) {
        return Precision.of(baseWeight).half() ? DataType.FLOAT32 : baseWeight.getDataType();
    }

    /** A copy in {@code t} (toType(same, copy=true) shares storage on PyTorch: duplicate instead). */
    private static NDArray copyAs(NDArray x, ai.djl.ndarray.types.DataType t) {
        return x.getDataType() == t ? x.duplicate() : x.toType(t, false);
    }

    private static void name(NDArray a, NDArray b, String weight) {
        a.setName(nameA(weight));
        b.setName(nameB(weight));
    }

    /** PEFT's name of the A matrix adapting base weight {@code weight} ({@code model.layers.0.self_attn.q_proj.weight}). */
    public static String nameA(String weight) {
        return PREFIX + weight.substring(0, weight.length() - ".weight".length()) + ".lora_A.weight";
    }

    /** PEFT's name of the B matrix adapting base weight {@code weight}. */
    public static String nameB(String weight) {
        return PREFIX + weight.substring(0, weight.length() - ".weight".length()) + ".lora_B.weight";
    }

    /** The settings (targets resolved to module names). */
    public LoraConfig config() {
        return config.withTargets(modules);
    }

    /** The targeted module names, in table order. */
    public List<String> modules() {
        return modules;
    }

    /** s = alpha / r (alpha / sqrt(r) with rslora). */
    public double scale() {
        return scale;
    }

    /** The adapted base weights' names, in table order. */
    public List<String> adaptedWeights() {
        return List.copyOf(byWeight.keySet());
    }

    /** The live A and B arrays by PEFT name, A before B, in table order (a new map; arrays shared). */
    public LinkedHashMap<String, NDArray> parameters() {
        LinkedHashMap<String, NDArray> p = new LinkedHashMap<>();
        byWeight.forEach((w, ab) -> {
            p.put(nameA(w), ab.a());
            p.put(nameB(w), ab.b());
        });
        return p;
    }

    /** PEFT name of an A or B matrix to the base weight it adapts. */
    public Map<String, String> baseWeightByName() {
        Map<String, String> m = new LinkedHashMap<>();
        byWeight.keySet().forEach(w -> {
            m.put(nameA(w), w);
            m.put(nameB(w), w);
        });
        return Collections.unmodifiableMap(m);
    }

    /** The A of base weight {@code weight}, or null when it is not adapted. */
    public NDArray a(String weight) {
        Pair p = byWeight.get(weight);
        return p == null ? null : p.a();
    }

    /** The B of base weight {@code weight}, or null when it is not adapted. */
    public NDArray b(String weight) {
        Pair p = byWeight.get(weight);
        return p == null ? null : p.b();
    }

    boolean adapts(String weight) {
        return byWeight.containsKey(weight);
    }

    /** Whether dropout is active (set by a training run around its steps). */
    public boolean training() {
        return training;
    }

    public void setTraining(boolean on) {
        training = on;
    }

    /** Reseeds libtorch's generator, which draws the dropout masks (no-op without dropout). */
    public void seedDropout(long seed) {
        if (config.dropout() > 0) {
            Engines.pytorch().setRandomSeed((int) (seed ^ (seed >>> 32)));
        }
    }

    /**
     * {@code base + s · B (A (dropout(x)))} for the adapted weight {@code weight}, or {@code base} itself
     * when it is not adapted; {@code x [..., in]}, {@code base [..., out]}.
     */
    NDArray apply(String weight, NDArray x, NDArray base) {
        Pair p = byWeight.get(weight);
        if (p == null) {
            return base;
        }
        NDArray in = x;
        if (training && config.dropout() > 0) {
            double keep = 1 - config.dropout();
            NDArray u = x.getManager().randomUniform(0f, 1f, x.getShape(), x.getDataType());
            NDArray mask = Scalars.div(u.gte(config.dropout()).toType(x.getDataType(), false), keep);
            in = x.mul(mask);
        }
        NDArray delta = Layers.linear(Layers.linear(in, p.a(), null), p.b(), null);
        return base.add(Scalars.mul(delta, scale));
    }

    /** {@code s · B · A} for base weight {@code weight} ({@code [out, in]}, in {@code m}; no gradient). */
    public NDArray delta(String weight, NDManager m) {
        Pair p = byWeight.get(weight);
        NDArray b = p.b().stopGradient();
        NDArray a = p.a().stopGradient();
        b.attach(m);
        a.attach(m);
        return Scalars.mul(b.matMul(a), scale);
    }

    void close() {
        manager.close();
    }
}

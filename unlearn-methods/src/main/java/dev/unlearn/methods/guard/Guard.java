package dev.unlearn.methods.guard;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.generate.BeamSearch;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.Generator;
import dev.unlearn.core.generate.LogitsProcessor;
import dev.unlearn.core.generate.SemanticFilter;
import dev.unlearn.core.generate.SequenceFilter;
import dev.unlearn.core.generate.TemplateSteering;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ParameterTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * GUARD applied to a model (methods.md §9.2 "Online"): {@link #detect} scores a prompt, and
 * {@link #generate} decodes a non-detected prompt exactly as {@link Generator} does without GUARD, and a
 * detected one with {@link BeamSearch} restricted by the retrieved samples' {@link #restrictions}
 * (exact {@link SequenceFilter} then {@link SemanticFilter}); when every candidate is blocked it emits the
 * refusal template. The detector costs one extra forward of the prompt to its layer (not shared with the
 * prefill). Holds the model's input embedding as floats; not thread-safe.
 */
public final class Guard {
    private final GuardFilter filter;
    private final CausalLm model;
    private final PromptDetector detector;
    private final float[][] embedding;
    private final boolean[] continues;

    /**
     * A detection result, inspectable.
     *
     * @param score P(forget target)
     * @param detected {@code score > τ_d}
     * @param retrieved indices of the retrieved forget samples (empty when not detected)
     * @param similarities their retrieval similarities
     */
    public record Detection(double score, boolean detected, int[] retrieved, double[] similarities) {}

    /**
     * @throws InvalidInputException when the model's shape differs from the one the filter was built on
     */
    public Guard(GuardFilter filter, CausalLm model) {
        GuardFilter.ModelShape s = filter.model();
        if (s.hiddenSize() != model.config().hiddenSize() || s.vocabSize() != model.config().vocabSize()
                || s.numHiddenLayers() != model.config().numHiddenLayers()) {
            throw new InvalidInputException("the GUARD filter was built for a model with hidden size " + s.hiddenSize()
                    + ", vocabulary " + s.vocabSize() + ", " + s.numHiddenLayers() + " layers; this one has "
                    + model.config().hiddenSize() + ", " + model.config().vocabSize() + ", "
                    + model.config().numHiddenLayers() + ": rebuild the filter with 'unlearn guard build'");
        }
        this.filter = filter;
        this.model = model;
        this.detector = filter.detector().classifier();
        this.embedding = embedding(model);
        this.continues = new boolean[embedding.length];
        for (long id : filter.continuationTokenIds()) {
            continues[(int) id] = true;
        }
    }

    public GuardFilter filter() {
        return filter;
    }

    /** Detector score and, when detected, the retrieved samples. */
    public Detection detect(long[] prompt) {
        double[] z = pooledStates(model, prompt, filter.detector().layer());
        double p = detector.score(z);
        if (!(p > filter.detector().threshold())) {
            return new Detection(p, false, new int[0], new double[0]);
        }
        List<GuardFilter.Sample> samples = filter.samples();
        double[] sim = new double[samples.size()];
        for (int k = 0; k < sim.length; k++) {
            GuardFilter.Sample smp = samples.get(k);
            sim[k] = Math.max(cosine(z, smp.answerEmbedding()), cosine(z, smp.questionEmbedding()));
        }
        int[] top = IntStream.range(0, sim.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -sim[i]).thenComparingInt(i -> i))
                .limit(filter.config().retrievalTopK()).mapToInt(Integer::intValue).toArray();
        return new Detection(p, true, top, Arrays.stream(top).mapToDouble(i -> sim[i]).toArray());
    }

    /** The restriction processors for the given samples: exact sequence matching, then semantic matching. */
    public List<LogitsProcessor> restrictions(int[] sampleIndices) {
        Set<List<Long>> seqs = new LinkedHashSet<>();
        Set<List<Long>> words = new LinkedHashSet<>();
        for (int k : sampleIndices) {
            GuardFilter.Sample s = filter.samples().get(k);
            s.forbiddenSequences().forEach(a -> seqs.add(boxed(a)));
            s.forbiddenWords().forEach(a -> words.add(boxed(a)));
        }
        GuardConfig c = filter.config();
        return List.of(new SequenceFilter(unboxed(seqs), c.beta(), c.tokenPenalty()),
                new SemanticFilter(embedding, unboxed(words), continues, filter.semanticThreshold(), c.semanticPenalty()));
    }

    /** Generates with GUARD; returns only the new tokens. */
    public long[] generate(long[] prompt, GenerationConfig base) {
        return generate(prompt, base, detect(prompt));
    }

    /** Generates with GUARD given an already computed detection. */
    public long[] generate(long[] prompt, GenerationConfig base, Detection d) {
        if (!d.detected()) {
            return Generator.generate(model, prompt, base, List.of());
        }
        GuardConfig c = filter.config();
        List<LogitsProcessor> shaping = c.refusalSteering() > 0
                ? List.of(new TemplateSteering(prompt.length, filter.refusalIds(), c.refusalSteering(), true))
                : List.of();
        BeamSearch.Config bc = new BeamSearch.Config(c.beamWidth(), c.candidatesPerBeam(), base.maxNewTokens(),
                base.stopTokenIds());
        Optional<long[]> out = BeamSearch.generate(model, prompt, bc, shaping, restrictions(d.retrieved()));
        return out.orElseGet(this::refusal);
    }

    /** The refusal fallback: the template's ids, then the first EOS id. */
    public long[] refusal() {
        long[] r = filter.refusalIds();
        long[] out = Arrays.copyOf(r, r.length + 1);
        out[r.length] = model.config().eosTokenIds().get(0);
        return out;
    }

    /** {@code z(x)}: the mean over the tokens of hidden state {@code layer} (HF indexing), in float64. */
    public static double[] pooledStates(CausalLm model, long[] ids, int layer) {
        if (layer < 0 || layer > model.config().numHiddenLayers()) {
            throw new InvalidInputException("detector layer " + layer + " is out of range 0.."
                    + model.config().numHiddenLayers());
        }
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = m.create(ids, new Shape(1, ids.length));
            NDArray h = model.forward(x, null, true).hiddenStates().get(layer);
            float[] mean = h.mean(new int[] {1}).toType(DataType.FLOAT32, false).toFloatArray();
            double[] out = new double[mean.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = mean[i];
            }
            return out;
        }
    }

    static double cosine(double[] a, float[] b) {
        double[] bd = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            bd[i] = b[i];
        }
        return GuardMath.cosine(a, bd);
    }

    /** The model's input-embedding rows as floats, [V][d]. */
    public static float[][] embedding(CausalLm model) {
        NDArray e = model.parameters().get(ParameterTable.EMBED);
        int v = Math.toIntExact(e.getShape().get(0));
        int d = Math.toIntExact(e.getShape().get(1));
        float[] flat = e.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] out = new float[v][];
        for (int i = 0; i < v; i++) {
            out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        return out;
    }

    private static List<Long> boxed(long[] a) {
        List<Long> l = new ArrayList<>(a.length);
        for (long x : a) {
            l.add(x);
        }
        return l;
    }

    private static List<long[]> unboxed(Set<List<Long>> s) {
        List<long[]> out = new ArrayList<>();
        for (List<Long> l : s) {
            out.add(l.stream().mapToLong(Long::longValue).toArray());
        }
        return out;
    }
}

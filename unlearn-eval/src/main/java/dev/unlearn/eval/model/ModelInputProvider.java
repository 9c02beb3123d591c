package dev.unlearn.eval.model;

import dev.unlearn.core.model.CausalLm;
import dev.unlearn.eval.mia.MiaInputs;
import dev.unlearn.eval.refusal.RefusalInputs;
import dev.unlearn.eval.representation.RepresentationInputs;
import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.tofu.TofuInputs;
import dev.unlearn.eval.tofu.TofuTask;
import dev.unlearn.eval.tofu.TofuTaskLog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of model-computed metric inputs: each served {@link InputKey} maps to its computation
 * over an {@link EvalData}. Register it with {@link EvaluationContext#addProvider} and every metric's
 * missing input is computed the first time it is asked for, once per model (the context caches it and
 * shares it between metrics). It also serves the {@link ModelInputs} (runners and data), from which a
 * new metric's own {@link InputKey#derived derived inputs} are computed without a change here.
 *
 * <p>Keys served: the four {@link TofuInputs#log TOFU task logs} of the model under test;
 * {@link TofuInputs#RETAIN_MODEL_FORGET_LOG} (the retain model's forget log) when a retain model is
 * given; {@link TofuInputs#FORGET_TOKEN_PREDICTIONS}; {@link MiaInputs#FORGET} and
 * {@link MiaInputs#HOLDOUT} (reference losses from the retain model when given); the
 * {@link RepresentationInputs#FEATURES} of the model under test ({@code unlearned}), the retain model
 * ({@code retrained}) and the original model ({@code original}) on the datasets {@code forget},
 * {@code retain} ({@code retain_perturbed}) and {@code holdout}; {@link RefusalInputs#RESPONSES} (sets
 * {@code forget}, {@code retain}, {@code real_authors}, {@code world_facts}, re-using the greedy
 * generations of the TOFU logs) and {@link RefusalInputs#SAFE_RESPONSES} (the retain set, spec §6.2).
 */
public final class ModelInputProvider implements EvaluationContext.InputProvider {
    private final ModelRunner model;
    private final ModelRunner retain;
    private final ModelRunner original;
    private final EvalData data;
    private final TruthRatioBase base;
    private final boolean gradNorm;
    private final Map<InputKey<?>, Source> sources;

    /**
     * @param model runner of the model under test
     * @param retain runner of the retain (retrained) model, or null
     * @param original runner of the original model before unlearning, or null
     * @param data the splits
     * @param base base answer of the Retain and Forget truth ratios
     * @param gradNorm whether MIA samples carry GradNorm gradient norms (one backward pass per sample)
     */
    public ModelInputProvider(ModelRunner model, ModelRunner retain, ModelRunner original, EvalData data, TruthRatioBase base,
            boolean gradNorm) {
        this.model = model;
        this.retain = retain;
        this.original = original;
        this.data = data;
        this.base = base;
        this.gradNorm = gradNorm;
        this.sources = sources();
    }

    /** How one input is computed: from the context (for inputs built on other inputs); null when unavailable. */
    @FunctionalInterface
    private interface Source {
        Object compute(EvaluationContext c);
    }

    /** The registry: input key → its computation; each key is computed once per context (per model). */
    private Map<InputKey<?>, Source> sources() {
        Map<InputKey<?>, Source> s = new LinkedHashMap<>();
        s.put(ModelInputs.MODEL, c -> model);
        s.put(ModelInputs.RETAIN, c -> retain);
        s.put(ModelInputs.ORIGINAL, c -> original);
        s.put(ModelInputs.DATA, c -> data);
        for (TofuTask t : TofuTask.values()) {
            s.put(TofuInputs.log(t), c -> model.taskLog(t, data.rows(t), base));
        }
        s.put(TofuInputs.RETAIN_MODEL_FORGET_LOG, c -> retain == null ? null : retain.taskLog(TofuTask.FORGET, data.rows(TofuTask.FORGET), base));
        s.put(TofuInputs.FORGET_TOKEN_PREDICTIONS, c -> model.forward(data.rows(TofuTask.FORGET), false).predictions());
        s.put(MiaInputs.FORGET, c -> model.miaSamples(data.rows(TofuTask.FORGET), reference(), gradNorm));
        s.put(MiaInputs.HOLDOUT, c -> model.miaSamples(data.holdout(), reference(), gradNorm));
        s.put(MiaInputs.GRADIENT_NORMS, c -> gradNorm ? Boolean.TRUE : null);
        s.put(MiaInputs.REFERENCE_LOSSES, c -> retain != null ? Boolean.TRUE : null);
        s.put(RepresentationInputs.FEATURES, c -> {
            Map<String, Map<String, Map<Integer, double[][]>>> f = new LinkedHashMap<>();
            f.put(RepresentationInputs.UNLEARNED, features(model));
            if (retain != null) {
                f.put(RepresentationInputs.RETRAINED, features(retain));
            }
            if (original != null) {
                f.put(RepresentationInputs.ORIGINAL, features(original));
            }
            return new RepresentationInputs.Features(f);
        });
        s.put(RefusalInputs.RESPONSES, c -> {
            Map<String, Map<String, String>> sets = new LinkedHashMap<>();
            sets.put("forget", generations(c.require(TofuInputs.log(TofuTask.FORGET))));
            sets.put("retain", generations(c.require(TofuInputs.log(TofuTask.RETAIN))));
            sets.put("real_authors", generations(c.require(TofuInputs.log(TofuTask.REAL_AUTHORS))));
            sets.put("world_facts", generations(c.require(TofuInputs.log(TofuTask.REAL_WORLD))));
            return new RefusalInputs.Responses(sets);
        });
        s.put(RefusalInputs.SAFE_RESPONSES,
                c -> new RefusalInputs.Responses(Map.of("retain", generations(c.require(TofuInputs.log(TofuTask.RETAIN))))));
        return s;
    }

    /** The keys this provider serves. */
    public java.util.Set<InputKey<?>> keys() {
        return java.util.Collections.unmodifiableSet(sources.keySet());
    }

    @Override
    public <T> Optional<T> provide(InputKey<T> key, EvaluationContext context) {
        Source src = sources.get(key);
        Object v = src == null ? null : src.compute(context);
        return v == null ? Optional.empty() : Optional.of(key.type().cast(v));
    }

    private CausalLm reference() {
        return retain == null ? null : retain.model();
    }

    private Map<String, Map<Integer, double[][]>> features(ModelRunner r) {
        Map<String, Map<Integer, double[][]>> m = new LinkedHashMap<>();
        m.put("forget", r.forward(data.rows(TofuTask.FORGET), true).features());
        m.put("retain", r.forward(data.rows(TofuTask.RETAIN), true).features());
        m.put("holdout", r.forward(data.holdout(), true).features());
        return m;
    }

    /** The generated texts ({@code generated_text[1]}) of a log, by sample key. */
    static Map<String, String> generations(TofuTaskLog log) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : log.keys()) {
            out.put(k, log.json().get("generated_text").get(k).get(1).asText());
        }
        return out;
    }

    /** The datasets whose features are computed. */
    public static List<String> featureDatasets() {
        return List.of("forget", "retain", "holdout");
    }
}

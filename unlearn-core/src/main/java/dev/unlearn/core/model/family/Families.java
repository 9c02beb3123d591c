package dev.unlearn.core.model.family;

import dev.unlearn.core.model.family.gemma2.Gemma2;
import dev.unlearn.core.model.family.llama.Llama;
import dev.unlearn.core.model.family.mistral.Mistral;
import dev.unlearn.core.model.family.phi3.Phi3;
import dev.unlearn.core.model.family.qwen2.Qwen2;
import dev.unlearn.core.model.family.qwen3.Qwen3;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The registry of model families, one line each; everything that needs a family looks it up here. */
public final class Families {
    private static final List<ModelFamily> ALL = List.of(
            new Llama(),
            new Qwen2(),
            new Qwen3(),
            new Mistral(),
            new Gemma2(),
            new Phi3());

    private static final Map<String, ModelFamily> BY_TYPE = new LinkedHashMap<>();

    static {
        for (ModelFamily f : ALL) {
            if (BY_TYPE.put(f.modelType(), f) != null) {
                throw new IllegalStateException("model_type " + f.modelType() + " registered twice");
            }
        }
    }

    private Families() {}

    /** The family of {@code modelType}, if supported. */
    public static Optional<ModelFamily> find(String modelType) {
        return Optional.ofNullable(BY_TYPE.get(modelType));
    }

    /** The supported {@code model_type} values, in registry order. */
    public static List<String> modelTypes() {
        return List.copyOf(BY_TYPE.keySet());
    }
}

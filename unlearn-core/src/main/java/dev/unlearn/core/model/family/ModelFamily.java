package dev.unlearn.core.model.family;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.model.Architecture;
import dev.unlearn.core.model.ModelConfig;
import java.util.LinkedHashMap;

/**
 * One Hugging Face {@code model_type}: the {@code config.json} keys that only it reads, its tensor-name
 * table, and how its block differs from Llama's ({@link Architecture}). A family is one package under
 * {@code dev.unlearn.core.model.family} plus one line in {@link Families}; nothing else in the toolkit
 * names a family.
 */
public interface ModelFamily {
    /** The {@code model_type} value. */
    String modelType();

    /** The {@code architectures} entry transformers writes (for configs made by this toolkit). */
    String architectureClass();

    /** {@code rms_norm_eps} when the key is absent (the transformers config class default). */
    default double defaultRmsNormEps() {
        return 1e-6;
    }

    /** {@code tie_word_embeddings} when the key is absent (the transformers config class default). */
    default boolean defaultTieWordEmbeddings() {
        return false;
    }

    /** {@code head_dim} when the key is absent, or 0 for hidden_size / num_attention_heads. */
    default int defaultHeadDim() {
        return 0;
    }

    /**
     * Reads this family's keys from {@code keys}, refusing by name every value it does not handle, and
     * returns the block it implies. {@code common} already holds the shared keys (sizes, eps, theta).
     */
    Architecture configure(ConfigKeys keys, ModelConfig common);

    /** Every tensor of a checkpoint, in Hugging Face order, with its shape. */
    default LinkedHashMap<String, Shape> tensors(ModelConfig c) {
        return StandardTensors.table(c, c.architecture());
    }

    /** Adds the keys a small test or benchmark config of this family needs beyond the shared ones. */
    default void exampleKeys(ObjectNode config) {}
}

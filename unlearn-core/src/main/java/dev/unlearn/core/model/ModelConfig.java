package dev.unlearn.core.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.io.ParseErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import dev.unlearn.core.model.family.ConfigKeys;
import dev.unlearn.core.model.family.Families;
import dev.unlearn.core.model.family.ModelFamily;

/**
 * The Hugging Face {@code config.json} of a decoder-only causal LM, bound to clear Java names: the keys
 * every family shares here, the family-specific ones by the {@link ModelFamily} registered for its
 * {@code model_type} in {@link Families} (which yields the {@link Architecture}). Keys this class does
 * not interpret are kept and written back unchanged by {@link #write(Path)}.
 *
 * <p>Unsupported settings are rejected by name rather than silently ignored: {@code mlp_bias: true},
 * a {@code partial_rotary_factor} other than 1, and whatever each family refuses (other rope types,
 * sliding windows it does not implement, other activations), and any other {@code model_type}.
 */
public final class ModelConfig {
    /** The {@code model_type} values this toolkit can run (the {@link Families} registry). */
    public static final Set<String> SUPPORTED_TYPES = Set.copyOf(Families.modelTypes());

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode raw;
    private final String modelType;
    private final int hiddenSize;
    private final int numHiddenLayers;
    private final int numAttentionHeads;
    private final int numKeyValueHeads;
    private final int headDim;
    private final int intermediateSize;
    private final int vocabSize;
    private final double rmsNormEps;
    private final double ropeTheta;
    private final boolean tieWordEmbeddings;
    private final boolean attentionBias;
    private final int maxPositionEmbeddings;
    private final Integer bosTokenId;
    private final List<Integer> eosTokenIds;
    private final Integer padTokenId;
    private final String torchDtype;
    private final String source;
    private final ModelFamily family;
    private final Architecture architecture;

    private ModelConfig(ObjectNode raw, String source) {
        this.raw = raw;
        this.source = source;
        this.modelType = text(raw, "model_type", null, source);
        if (modelType == null) {
            throw bad(source, "model_type", "missing; expected one of " + Families.modelTypes());
        }
        this.family = Families.find(modelType).orElseThrow(() -> bad(source, "model_type", "'" + modelType
                + "' is not supported; expected one of " + Families.modelTypes()));
        this.hiddenSize = positive(raw, "hidden_size", null, source);
        this.numHiddenLayers = positive(raw, "num_hidden_layers", null, source);
        this.numAttentionHeads = positive(raw, "num_attention_heads", null, source);
        this.numKeyValueHeads = positive(raw, "num_key_value_heads", numAttentionHeads, source);
        this.intermediateSize = positive(raw, "intermediate_size", null, source);
        this.vocabSize = positive(raw, "vocab_size", null, source);
        this.maxPositionEmbeddings = positive(raw, "max_position_embeddings", 2048, source);
        if (raw.hasNonNull("head_dim")) {
            this.headDim = positive(raw, "head_dim", null, source);
        } else if (family.defaultHeadDim() > 0) {
            this.headDim = family.defaultHeadDim();
        } else {
            if (hiddenSize % numAttentionHeads != 0) {
                throw bad(source, "hidden_size", hiddenSize + " is not divisible by num_attention_heads " + numAttentionHeads);
            }
            this.headDim = hiddenSize / numAttentionHeads;
        }
        if (headDim % 2 != 0) {
            throw bad(source, "head_dim", "rotary embedding needs an even head dimension, found " + headDim);
        }
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw bad(source, "num_key_value_heads", numKeyValueHeads + " does not divide num_attention_heads " + numAttentionHeads);
        }
        this.rmsNormEps = number(raw, "rms_norm_eps", family.defaultRmsNormEps(), source);
        this.ropeTheta = number(raw, "rope_theta", 10000.0, source);
        if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
            throw bad(source, rmsNormEps > 0 ? "rope_theta" : "rms_norm_eps", "must be positive");
        }
        this.tieWordEmbeddings = bool(raw, "tie_word_embeddings", family.defaultTieWordEmbeddings(), source);
        boolean ab = bool(raw, "attention_bias", false, source);
        this.attentionBias = ab;
        if (bool(raw, "mlp_bias", false, source)) {
            throw bad(source, "mlp_bias", "true is not supported (MLP projections without bias only)");
        }
        if (number(raw, "partial_rotary_factor", 1.0, source) != 1.0) {
            throw bad(source, "partial_rotary_factor", raw.get("partial_rotary_factor")
                    + " is not supported (rotary embedding over the whole head only)");
        }
        this.bosTokenId = optInt(raw, "bos_token_id", source);
        this.padTokenId = optInt(raw, "pad_token_id", source);
        List<Integer> eos = new ArrayList<>();
        JsonNode e = raw.get("eos_token_id");
        if (e != null && !e.isNull()) {
            if (e.isArray()) {
                for (JsonNode x : e) {
                    if (!x.canConvertToInt() || !x.isIntegralNumber()) {
                        throw bad(source, "eos_token_id", "list entries must be integers of 32 bits, found " + x);
                    }
                    eos.add(x.intValue());
                }
            } else if (e.isIntegralNumber() && e.canConvertToInt()) {
                eos.add(e.intValue());
            } else {
                throw bad(source, "eos_token_id", "expected an integer or a list of integers, found " + e);
            }
        }
        this.eosTokenIds = List.copyOf(eos);
        this.torchDtype = text(raw, "torch_dtype", "float32", source);
        // the shared fields above are set: the family may read them
        this.architecture = family.configure(new ConfigKeys(raw, source), this);
    }

    /** Reads and validates a {@code config.json}; errors name the file and key. */
    public static ModelConfig read(Path configJson) {
        JsonNode n;
        try {
            n = JSON.readTree(configJson.toFile());
        } catch (IOException ex) {
            throw new InvalidInputException(configJson + ": cannot read config JSON: " + ParseErrors.describe(ex), ex);
        }
        if (n == null || !n.isObject()) {
            throw new InvalidInputException(configJson + ": expected a JSON object");
        }
        return new ModelConfig((ObjectNode) n, configJson.toString());
    }

    /** Parses config JSON text; {@code source} names it in errors. */
    public static ModelConfig parse(String json, String source) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new InvalidInputException(source + ": expected a JSON object");
            }
            return new ModelConfig((ObjectNode) n, source);
        } catch (JsonProcessingException ex) {
            throw new InvalidInputException(source + ": malformed JSON: " + ParseErrors.describe(ex), ex);
        }
    }

    /**
     * A small config of any registered family for tests and benchmarks: the shared keys as
     * {@link #llama} sets them (untied head, eps 1e-5, theta 10000) plus the family's
     * {@link ModelFamily#exampleKeys}.
     */
    public static ModelConfig example(String modelType, int dim, int layers, int heads, int kvHeads, int ffn,
            int vocab) {
        return fromValues(modelType, dim, layers, heads, kvHeads, ffn, vocab, false);
    }

    /** A Llama config for tests and benchmarks: untied head, no biases, eps 1e-5, theta 10000. */
    public static ModelConfig llama(int dim, int layers, int heads, int kvHeads, int ffn, int vocab) {
        return fromValues("llama", dim, layers, heads, kvHeads, ffn, vocab, false);
    }

    /** A Qwen2 config for tests: q/k/v biases, tied head, eps 1e-6, theta 1e6. */
    public static ModelConfig qwen2(int dim, int layers, int heads, int kvHeads, int ffn, int vocab) {
        ModelConfig c = fromValues("qwen2", dim, layers, heads, kvHeads, ffn, vocab, true);
        ObjectNode r = c.json();
        r.put("rms_norm_eps", 1e-6);
        r.put("rope_theta", 1000000.0);
        r.put("attention_bias", true);
        return new ModelConfig(r, "qwen2 test config");
    }

    private static ModelConfig fromValues(String type, int dim, int layers, int heads, int kvHeads, int ffn,
            int vocab, boolean tied) {
        ModelFamily f = Families.find(type).orElseThrow(() -> new InvalidInputException("model_type '" + type
                + "' is not supported; expected one of " + Families.modelTypes()));
        ObjectNode r = JSON.valueToTree(new ExampleKeys(List.of(f.architectureClass()), type, dim, ffn, layers, heads,
                kvHeads, vocab, 2048, 1e-5, 10000.0, tied, "silu", "float32", 1, 2, false));
        f.exampleKeys(r);
        return new ModelConfig(r, type + " test config");
    }

    /** The keys of a test config before its family's {@link ModelFamily#exampleKeys}, in config.json order. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    private record ExampleKeys(List<String> architectures, String modelType, int hiddenSize, int intermediateSize,
            int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads, int vocabSize, int maxPositionEmbeddings,
            double rmsNormEps, double ropeTheta, boolean tieWordEmbeddings, String hiddenAct, String torchDtype,
            int bosTokenId, int eosTokenId, boolean attentionBias) {}

    /** A copy with the given keys replaced (validated again); for tests and tools. */
    public static ModelConfig of(ObjectNode json, String source) {
        return new ModelConfig(json.deepCopy(), source);
    }

    /** A copy with one key set (a JSON scalar), validated again; for tests and tools. */
    public ModelConfig with(String key, Object value) {
        ObjectNode r = json();
        r.set(key, JSON.valueToTree(value));
        return new ModelConfig(r, "config with " + key + "=" + value);
    }

    /** A copy without {@code key} (so that the family default applies), validated again. */
    public ModelConfig without(String key) {
        ObjectNode r = json();
        r.remove(key);
        return new ModelConfig(r, "config without " + key);
    }

    /** Writes the config (known and unknown keys, original order) as indented JSON. */
    public void write(Path path) {
        try {
            Files.writeString(path, toJson());
        } catch (IOException ex) {
            throw new UnlearnException("cannot write " + path + ": " + ex.getMessage(), ex);
        }
    }

    /** The JSON text {@link #write(Path)} writes. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(raw) + "\n";
        } catch (JsonProcessingException ex) {
            throw new UnlearnException("cannot serialise config: " + ex.getMessage(), ex);
        }
    }

    /** A deep copy of every key as read (known and unknown). */
    public ObjectNode json() {
        return raw.deepCopy();
    }

    public String modelType() { return modelType; }
    public int hiddenSize() { return hiddenSize; }
    public int numHiddenLayers() { return numHiddenLayers; }
    public int numAttentionHeads() { return numAttentionHeads; }
    public int numKeyValueHeads() { return numKeyValueHeads; }
    /** Per-head dimension: {@code head_dim} if given, else hidden_size / num_attention_heads. */
    public int headDim() { return headDim; }
    public int intermediateSize() { return intermediateSize; }
    public int vocabSize() { return vocabSize; }
    public double rmsNormEps() { return rmsNormEps; }
    public double ropeTheta() { return ropeTheta; }
    public boolean tieWordEmbeddings() { return tieWordEmbeddings; }
    /** The raw {@code attention_bias} flag. */
    public boolean attentionBias() { return attentionBias; }
    /** Whether q/k/v projections carry biases (qwen2 always; others when attention_bias). */
    public boolean qkvBias() { return architecture.qkvBias(); }
    /** Whether the output projection carries a bias. */
    public boolean oBias() { return architecture.oBias(); }
    /** The family registered for {@code model_type}. */
    public ModelFamily family() { return family; }
    /** How this family's block differs from Llama's, as configured. */
    public Architecture architecture() { return architecture; }
    /** RoPE inverse frequencies [head_dim / 2] after {@code rope_scaling}, in double. */
    public double[] ropeInverseFrequencies() {
        return architecture.ropeScaling().inverseFrequencies(ropeTheta, headDim);
    }
    /** Where this config came from (a file, or a description), for error messages. */
    public String source() { return source; }
    public int maxPositionEmbeddings() { return maxPositionEmbeddings; }
    public Integer bosTokenId() { return bosTokenId; }
    /** EOS ids (HF allows an int or a list); empty if none. */
    public List<Integer> eosTokenIds() { return eosTokenIds; }
    public Integer padTokenId() { return padTokenId; }
    public String torchDtype() { return torchDtype; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && c.raw.equals(raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }

    @Override
    public String toString() {
        return modelType + "(dim " + hiddenSize + ", layers " + numHiddenLayers + ", heads " + numAttentionHeads
                + "/" + numKeyValueHeads + ", ffn " + intermediateSize + ", vocab " + vocabSize + ")";
    }

    private static InvalidInputException bad(String source, String key, String what) {
        return new InvalidInputException(source + ": key '" + key + "': " + what);
    }

    private static int positive(ObjectNode n, String key, Integer dflt, String source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw bad(source, key, "missing (required)");
            }
            return dflt;
        }
        if (!v.isIntegralNumber() || v.longValue() <= 0 || v.longValue() > Integer.MAX_VALUE) {
            throw bad(source, key, "expected a positive integer, found " + v);
        }
        return v.intValue();
    }

    private static Integer optInt(ObjectNode n, String key, String source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw bad(source, key, "expected an integer of 32 bits, found " + v);
        }
        return v.intValue();
    }

    private static double number(ObjectNode n, String key, double dflt, String source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw bad(source, key, "expected a number, found " + v);
        }
        return v.doubleValue();
    }

    private static boolean bool(ObjectNode n, String key, boolean dflt, String source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw bad(source, key, "expected true or false, found " + v);
        }
        return v.booleanValue();
    }

    private static String text(ObjectNode n, String key, String dflt, String source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw bad(source, key, "expected a string, found " + v);
        }
        return v.textValue();
    }

}

package dev.unlearn.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unlearn.core.InvalidInputException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The {@code rope_scaling} entry of a {@code config.json}: how the rotary inverse frequencies
 * {@code theta^(-2i/Dh)} are rescaled. The two types supported follow Hugging Face transformers'
 * {@code modeling_rope_utils} ({@code _compute_linear_scaling_rope_parameters},
 * {@code _compute_llama3_parameters}); both leave the attention factor at 1. Other types (yarn,
 * dynamic, longrope, ...) are refused by name.
 *
 * @param type {@code default} (no scaling), {@code linear} or {@code llama3}
 * @param factor frequency divisor (1 for default)
 * @param lowFreqFactor llama3 {@code low_freq_factor}
 * @param highFreqFactor llama3 {@code high_freq_factor}
 * @param originalMaxPositions llama3 {@code original_max_position_embeddings}
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositions) {
    /** Plain RoPE. */
    public static final RopeScaling NONE = new RopeScaling("default", 1, 0, 0, 0);
    /** The {@code rope_type} values accepted. */
    public static final List<String> SUPPORTED = List.of("default", "linear", "llama3");

    private static final Set<String> LINEAR_KEYS = Set.of("rope_type", "type", "factor");
    private static final Set<String> LLAMA3_KEYS = Set.of("rope_type", "type", "factor", "low_freq_factor",
            "high_freq_factor", "original_max_position_embeddings");

    /** Parses {@code rope_scaling} (null or JSON null: plain RoPE); errors name {@code source} and the key. */
    public static RopeScaling parse(JsonNode n, String source) {
        if (n == null || n.isNull()) {
            return NONE;
        }
        if (!n.isObject()) {
            throw bad(source, "", "expected an object or null, found " + n);
        }
        // HF reads rope_type, falling back to the legacy key "type"
        JsonNode t = n.hasNonNull("rope_type") ? n.get("rope_type") : n.get("type");
        if (t == null || !t.isTextual()) {
            throw bad(source, "rope_type", "missing or not a string in " + n + "; supported: " + SUPPORTED);
        }
        String type = t.textValue();
        switch (type) {
            case "default":
                onlyKeys(n, Set.of("rope_type", "type"), type, source);
                return NONE;
            case "linear": {
                onlyKeys(n, LINEAR_KEYS, type, source);
                double f = positive(n, "factor", source);
                return new RopeScaling("linear", f, 0, 0, 0);
            }
            case "llama3": {
                onlyKeys(n, LLAMA3_KEYS, type, source);
                double f = positive(n, "factor", source);
                double lo = positive(n, "low_freq_factor", source);
                double hi = positive(n, "high_freq_factor", source);
                if (!(hi > lo)) {
                    throw bad(source, "high_freq_factor", hi + " must exceed low_freq_factor " + lo);
                }
                JsonNode o = n.get("original_max_position_embeddings");
                if (o == null || !o.isIntegralNumber() || o.intValue() <= 0) {
                    throw bad(source, "original_max_position_embeddings", "expected a positive integer, found " + o);
                }
                return new RopeScaling("llama3", f, lo, hi, o.intValue());
            }
            default:
                throw bad(source, "rope_type", "'" + type + "' is not supported; supported: " + SUPPORTED);
        }
    }

    /**
     * Inverse frequencies for head dimension {@code dim}, in double: {@code theta^(-2i/dim)} for
     * {@code i < dim/2}, then scaled by this type.
     */
    public double[] inverseFrequencies(double theta, int dim) {
        double[] inv = new double[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            double base = 1.0 / Math.pow(theta, (2.0 * i) / dim);
            inv[i] = switch (type) {
                case "linear" -> base / factor;
                case "llama3" -> llama3(base);
                default -> base;
            };
        }
        return inv;
    }

    /**
     * transformers {@code _compute_llama3_parameters}: wavelengths above
     * {@code original / low_freq_factor} are divided by the factor, those below
     * {@code original / high_freq_factor} kept, and those between interpolated with
     * {@code smooth = (original / wavelen - low) / (high - low)}.
     */
    private double llama3(double invFreq) {
        double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        double highFreqWavelen = originalMaxPositions / highFreqFactor;
        double wavelen = 2 * Math.PI / invFreq;
        double scaled = wavelen > lowFreqWavelen ? invFreq / factor : invFreq;
        boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
        if (!medium) {
            return scaled;
        }
        double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * scaled / factor + smooth * scaled;
    }

    private static void onlyKeys(JsonNode n, Set<String> allowed, String type, String source) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw bad(source, k, "is not understood for rope_type '" + type + "' (expected only " + allowed + ")");
            }
        }
    }

    private static double positive(JsonNode n, String key, String source) {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber() || !(v.doubleValue() > 0)) {
            throw bad(source, key, "expected a positive number, found " + v);
        }
        return v.doubleValue();
    }

    private static InvalidInputException bad(String source, String key, String what) {
        return new InvalidInputException(source + ": key 'rope_scaling" + (key.isEmpty() ? "" : "." + key) + "': " + what);
    }
}

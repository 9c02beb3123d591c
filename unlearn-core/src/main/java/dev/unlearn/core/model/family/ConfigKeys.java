package dev.unlearn.core.model.family;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;

/** Typed, validating access to one {@code config.json}; every error names the file and the key. */
public final class ConfigKeys {
    private final ObjectNode raw;
    private final String source;

    public ConfigKeys(ObjectNode raw, String source) {
        this.raw = raw;
        this.source = source;
    }

    /** The key's value, or null when absent or JSON null. */
    public JsonNode get(String key) {
        JsonNode v = raw.get(key);
        return v == null || v.isNull() ? null : v;
    }

    public boolean has(String key) {
        return get(key) != null;
    }

    /** An error naming the file and key. */
    public InvalidInputException bad(String key, String what) {
        return new InvalidInputException(source + ": key '" + key + "': " + what);
    }

    public int positiveInt(String key, int dflt) {
        JsonNode v = get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || v.longValue() <= 0 || v.longValue() > Integer.MAX_VALUE) {
            throw bad(key, "expected a positive integer, found " + v);
        }
        return v.intValue();
    }

    /** A positive number, or {@code dflt} when absent; JSON null gives {@code ifNull}. */
    public double positive(String key, double dflt, double ifNull) {
        JsonNode v = raw.get(key);
        if (v == null) {
            return dflt;
        }
        if (v.isNull()) {
            return ifNull;
        }
        if (!v.isNumber() || !(v.doubleValue() > 0)) {
            throw bad(key, "expected a positive number or null, found " + v);
        }
        return v.doubleValue();
    }

    public boolean bool(String key, boolean dflt) {
        JsonNode v = get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw bad(key, "expected true or false, found " + v);
        }
        return v.booleanValue();
    }

    public String text(String key, String dflt) {
        JsonNode v = get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw bad(key, "expected a string, found " + v);
        }
        return v.textValue();
    }

    /** Refuses any value of {@code key} other than {@code expected} (absent counts as {@code dflt}). */
    public void require(String key, String dflt, String expected) {
        String v = text(key, dflt);
        if (!expected.equals(v)) {
            throw bad(key, "'" + v + "' is not supported; expected '" + expected + "'");
        }
    }

    /** Refuses a true {@code key}, saying what is supported instead. */
    public void refuseTrue(String key, String supported) {
        if (bool(key, false)) {
            throw bad(key, "true is not supported (" + supported + ")");
        }
    }

    /** Refuses any non-null value of {@code key}. */
    public void refusePresent(String key, String why) {
        if (has(key)) {
            throw bad(key, get(key) + " is not supported (" + why + ")");
        }
    }

    /** {@code sliding_window}-style key: a positive integer, or 0 when absent or null. */
    public int optionalWindow(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return 0;
        }
        if (!v.isIntegralNumber() || v.longValue() <= 0 || v.longValue() > Integer.MAX_VALUE) {
            throw bad(key, "expected a positive integer or null, found " + v);
        }
        return v.intValue();
    }

    /** A window-size key: {@code dflt} when absent, 0 (none) when JSON null, else a positive integer. */
    public int window(String key, int dflt) {
        return raw.has(key) ? optionalWindow(key) : dflt;
    }

    /**
     * transformers' {@code layer_types} (newer configs): refuses it unless every entry is
     * {@code full_attention}, for families without sliding layers.
     */
    public void fullAttentionOnly(int layers) {
        JsonNode lt = get("layer_types");
        if (lt == null) {
            return;
        }
        if (!lt.isArray() || lt.size() != layers) {
            throw bad("layer_types", "expected a list of " + layers + " entries, found " + lt);
        }
        for (JsonNode x : lt) {
            if (!"full_attention".equals(x.asText())) {
                throw bad("layer_types", "'" + x.asText() + "' is not supported here (full_attention only)");
            }
        }
    }
}

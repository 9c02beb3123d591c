package dev.unlearn.methods.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds method config records from maps, YAML text and {@code --set key=value} overrides. Keys are
 * snake_case; missing keys take the method's defaults; an unknown key is rejected naming it and
 * listing the valid ones; type errors name the key; value checks run in the record's constructor.
 */
public final class ConfigBinder {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigBinder() {}

    /** The snake_case keys of a config record with their default values, in declaration order. */
    public static Map<String, Object> asMap(Object config) {
        return MAPPER.convertValue(config, new TypeReference<LinkedHashMap<String, Object>>() {});
    }

    /**
     * Binds {@code values} over {@code defaults}.
     *
     * @param method method name, used in messages
     * @throws InvalidInputException for an unknown key, a value of the wrong type or a failed check
     */
    public static <C> C bind(String method, Class<C> type, C defaults, Map<String, ?> values) {
        Map<String, Object> merged = asMap(defaults);
        if (values != null) {
            for (Map.Entry<String, ?> e : values.entrySet()) {
                if (!merged.containsKey(e.getKey())) {
                    throw new InvalidInputException("Unknown config key '" + e.getKey() + "' for method '" + method
                            + "'; valid keys: " + String.join(", ", merged.keySet()) + ".");
                }
                merged.put(e.getKey(), e.getValue());
            }
        }
        try {
            return MAPPER.convertValue(merged, type);
        } catch (IllegalArgumentException ex) {
            throw translate(method, ex);
        }
    }

    /** Binds a YAML mapping (the method's section of a recipe) over the defaults. */
    public static <C> C bindYaml(String method, Class<C> type, C defaults, String yaml) {
        Map<String, Object> values;
        try {
            values = yaml == null || yaml.isBlank() ? Map.of()
                    : YAML.readValue(yaml, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException ex) {
            throw new InvalidInputException("Config for method '" + method + "' is not a YAML mapping: "
                    + ParseErrors.describe(ex), ex);
        }
        return bind(method, type, defaults, values == null ? Map.of() : values);
    }

    /**
     * Applies {@code key=value} overrides to a map (later ones win; {@code a.b=v} sets key {@code b} of the
     * nested mapping {@code a}). Values are read as YAML scalars, so
     * {@code beta=0.5} gives a number, {@code reference_quirks=true} a boolean, {@code divergence=kl} a
     * string.
     */
    public static Map<String, Object> withOverrides(Map<String, ?> base, List<String> sets) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (base != null) {
            out.putAll(base);
        }
        for (String s : sets == null ? List.<String>of() : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("Override '" + s + "' must read key=value (for example beta=0.5).");
            }
            String key = s.substring(0, eq).trim();
            String raw = s.substring(eq + 1).trim();
            Object value;
            try {
                value = raw.isEmpty() ? "" : YAML.readValue(raw, Object.class);
            } catch (JsonProcessingException ex) {
                value = raw;
            }
            put(out, key, value);
        }
        return out;
    }

    /** Puts {@code a.b=v} into the nested map {@code a} (used by pd's {@code base_config.beta=0.2}). */
    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> out, String key, Object value) {
        int dot = key.indexOf('.');
        if (dot < 0) {
            out.put(key, value);
            return;
        }
        String head = key.substring(0, dot);
        Object inner = out.get(head);
        Map<String, Object> nested = new LinkedHashMap<>();
        if (inner instanceof Map<?, ?> im) {
            nested.putAll((Map<String, Object>) im);
        } else if (inner != null) {
            throw new InvalidInputException("Override '" + key + "=…': key '" + head + "' is not a mapping.");
        }
        put(nested, key.substring(dot + 1), value);
        out.put(head, nested);
    }

    private static InvalidInputException translate(String method, IllegalArgumentException ex) {
        JsonMappingException located = null;
        for (Throwable c = ex; c != null && located == null; c = c.getCause()) {
            if (c instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
                located = jme;
            }
        }
        for (Throwable c = ex; c != null; c = c.getCause()) {
            if (c instanceof ConfigChecks.UnknownChoice uc && located != null) {
                return new InvalidInputException("Config key '" + path(located) + "': " + uc.getMessage(), ex);
            }
            if (c instanceof InvalidInputException iie) {
                return iie;
            }
        }
        if (located instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi
                && mi.getTargetType() != null && mi.getTargetType().isPrimitive()
                && (String.valueOf(mi.getOriginalMessage()).startsWith("Cannot map `null`")
                        || String.valueOf(mi.getOriginalMessage()).startsWith("Cannot coerce `null`"))) { // beta: ~, or beta=
            return new InvalidInputException("Config key '" + path(located) + "' of method '" + method + "' must be a "
                    + (mi.getTargetType() == boolean.class ? "boolean" : "number") + ", found no value (leave the key out"
                    + " for its default; 'unlearn methods' lists them)", ex);
        }
        if (located != null) {
            return new InvalidInputException("Config key '" + path(located) + "' of method '" + method
                    + "' has a value of the wrong type: " + located.getOriginalMessage(), ex);
        }
        return new InvalidInputException("Config of method '" + method + "' could not be bound: " + ex.getMessage(), ex);
    }

    /** The key path of a binding error: {@code kl_positions}, {@code base_config.beta}. */
    private static String path(JsonMappingException jme) {
        List<String> path = new ArrayList<>();
        for (JsonMappingException.Reference r : jme.getPath()) {
            path.add(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
        }
        return String.join(".", path);
    }
}

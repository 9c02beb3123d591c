package dev.unlearn.cli.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import java.util.List;

/**
 * {@code run --set KEY=VALUE} overrides, applied to the parsed recipe tree before it is bound and
 * validated, so an override is checked exactly like the same key written in the file. {@code KEY} is a
 * dotted path ({@code finetune.lr}, {@code eval.max_new_tokens}); in a list a segment is an index
 * ({@code methods.0.train.lr}) or the {@code name} of an entry ({@code methods.npo.config.beta}).
 * {@code VALUE} is read as YAML, so {@code 3e-3}, {@code true}, {@code [tofu, mia]} and
 * {@code {beta: 0.1}} mean what they mean in the file. Missing mappings on the path are created.
 */
public final class RecipeOverrides {
    private RecipeOverrides() {}

    /** One parsed override. */
    public static final class Override {
        private final String text;
        private final List<String> path;
        private final JsonNode value;
        private String resolved;

        Override(String text, List<String> path, JsonNode value) {
            this.text = text;
            this.path = path;
            this.value = value;
            this.resolved = String.join(".", path);
        }

        /** {@code KEY=VALUE} as given. */
        public String text() {
            return text;
        }

        public List<String> path() {
            return path;
        }

        public JsonNode value() {
            return value;
        }

        /** The key path as validation names it once applied: list entries by index ({@code methods[2].config.beta}). */
        public String resolved() {
            return resolved;
        }
    }

    /** Parses {@code KEY=VALUE}; a malformed one is bad input naming it. */
    public static Override parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new InvalidInputException("--set " + text + ": expected KEY=VALUE, e.g. --set finetune.lr=3e-3");
        }
        String key = text.substring(0, eq).trim();
        String raw = text.substring(eq + 1);
        // methods[0].config.beta, as validation errors name it, is methods.0.config.beta
        List<String> path = List.of(key.replaceAll("\\[([^\\]]*)]", ".$1").split("\\.", -1));
        if (path.stream().anyMatch(String::isBlank)) {
            throw new InvalidInputException("--set " + text + ": key '" + key + "' has an empty segment");
        }
        if (raw.isBlank()) {
            throw new InvalidInputException("--set " + text + ": no value for '" + key + "'");
        }
        JsonNode value;
        try {
            value = RecipeLoader.YAML.readTree(raw);
        } catch (JsonProcessingException ex) {
            throw new InvalidInputException("--set " + text + ": the value of '" + key + "' is not valid YAML: "
                    + ParseErrors.message(ex), ex);
        }
        return new Override(text, path, value == null || value.isMissingNode() ? JsonNodeFactory.instance.nullNode() : value);
    }

    /** Applies {@code o} to {@code root} in place. */
    public static void apply(ObjectNode root, Override o) {
        JsonNode node = root;
        List<String> path = o.path();
        StringBuilder resolved = new StringBuilder();
        for (int i = 0; i < path.size(); i++) {
            String seg = path.get(i);
            boolean last = i == path.size() - 1;
            String at = String.join(".", path.subList(0, i + 1));
            if (node instanceof ObjectNode obj) {
                resolved.append(resolved.length() == 0 ? "" : ".").append(seg);
                if (last) {
                    obj.set(seg, o.value());
                    o.resolved = resolved.toString();
                    return;
                }
                JsonNode next = obj.get(seg);
                if (next == null || next.isNull()) {
                    next = obj.putObject(seg);
                }
                node = next;
            } else if (node instanceof ArrayNode arr) {
                int index = indexOf(arr, seg);
                if (index < 0) {
                    throw new InvalidInputException("--set " + o.text() + ": '" + String.join(".", path.subList(0, i))
                            + "' has no entry '" + seg + "' (give an index 0.." + (arr.size() - 1) + " or an entry's name)");
                }
                resolved.append('[').append(index).append(']');
                if (last) {
                    arr.set(index, o.value());
                    o.resolved = resolved.toString();
                    return;
                }
                node = arr.get(index);
            } else {
                throw new InvalidInputException("--set " + o.text() + ": '" + String.join(".", path.subList(0, i))
                        + "' is a value, not a mapping, so it has no key '" + seg + "' (at " + at + ")");
            }
        }
    }

    private static int indexOf(ArrayNode arr, String seg) {
        if (seg.chars().allMatch(Character::isDigit)) {
            int i = Integer.parseInt(seg);
            return i < arr.size() ? i : -1;
        }
        for (String field : new String[] {"name", "method"}) {
            for (int i = 0; i < arr.size(); i++) {
                JsonNode name = arr.get(i).get(field);
                if (name != null && seg.equals(name.asText())) {
                    return i;
                }
            }
        }
        return -1;
    }
}

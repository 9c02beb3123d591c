package dev.unlearn.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** One-line JSON output of the eval commands; non-finite numbers become {@code null}. */
final class EvalJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private EvalJson() {}

    static String line(Map<String, Double> values) {
        ObjectNode o = MAPPER.createObjectNode();
        values.forEach((k, v) -> {
            if (v != null && Double.isFinite(v)) {
                o.put(k, v);
            } else {
                o.putNull(k);
            }
        });
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

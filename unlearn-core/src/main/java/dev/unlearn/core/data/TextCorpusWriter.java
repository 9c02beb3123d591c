package dev.unlearn.core.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes {@link TextRecord}s as JSON Lines ({@code text}, {@code entity}, {@code id}, extras), atomically. */
public final class TextCorpusWriter {
    private TextCorpusWriter() {}

    public static void writeJsonl(Path file, List<TextRecord> records) {
        StringBuilder sb = new StringBuilder();
        for (TextRecord r : records) {
            ObjectNode o = JsonRows.MAPPER.createObjectNode();
            o.put("text", r.text());
            if (r.entity() != null) {
                o.put("entity", r.entity());
            }
            o.put("id", r.id());
            for (Map.Entry<String, JsonNode> e : r.extra().entrySet()) {
                o.set(e.getKey(), e.getValue());
            }
            try {
                sb.append(JsonRows.MAPPER.writeValueAsString(o)).append('\n');
            } catch (JsonProcessingException e) {
                throw new InvalidInputException("Cannot serialise record " + r.id() + " for " + file, e);
            }
        }
        QaWriter.writeAtomically(file, sb.toString());
    }
}

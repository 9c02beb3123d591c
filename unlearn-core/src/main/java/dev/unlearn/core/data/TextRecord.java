package dev.unlearn.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One raw-text document of a MUSE-style corpus (a news article, a book chunk).
 *
 * @param id stable content hash ({@link RecordIds#text})
 * @param text the document text (JSONL field {@code text}, or a whole {@code .txt} file)
 * @param entity the entity the text is about, or null
 * @param source where it came from: file name, plus {@code :line} for JSONL
 * @param extra other fields of a JSONL row, in file order
 */
public record TextRecord(String id, String text, String entity, String source, Map<String, JsonNode> extra)
        implements DataRecord {
    public TextRecord {
        if (text == null) {
            throw new IllegalArgumentException("text is required");
        }
        if (id == null) {
            id = RecordIds.text(text);
        }
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }
}

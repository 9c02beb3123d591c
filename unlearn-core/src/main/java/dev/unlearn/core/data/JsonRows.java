package dev.unlearn.core.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the rows of a JSON file that is either one top-level array of objects or JSON Lines (one
 * object per line, blank lines allowed). Each row keeps the 1-based line on which it starts, so every
 * later error can name file and line.
 */
final class JsonRows {
    /** Duplicate keys in a row are errors, never a silently dropped value. */
    static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** For one JSON Lines row: content after the row's object is an error too. */
    private static final ObjectMapper LINE = MAPPER.copy()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** One object row and the line it starts on. */
    record Row(ObjectNode node, int line) {}

    private JsonRows() {}

    static List<Row> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("Data file " + file + " does not exist or is not a file");
        }
        try (PushbackReader in = new PushbackReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), 1)) {
            int c;
            do {
                c = in.read();
            } while (c != -1 && (Character.isWhitespace(c) || c == '\uFEFF'));
            if (c == -1) {
                return List.of();
            }
            in.unread(c);
            return c == '[' ? readArray(file, in) : readLines(file, in);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read data file " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Row> readArray(Path file, Reader in) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (JsonParser p = MAPPER.createParser(in)) {
            p.nextToken(); // START_ARRAY
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                int line = p.currentTokenLocation().getLineNr();
                if (t == null) {
                    throw new InvalidInputException(file + ":" + line + ": unterminated JSON array");
                }
                if (t != JsonToken.START_OBJECT) {
                    throw new InvalidInputException(file + ":" + line + ": expected a JSON object per row, found " + t);
                }
                rows.add(new Row((ObjectNode) MAPPER.readTree(p), line));
            }
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new InvalidInputException(file + ":" + p.currentTokenLocation().getLineNr() + ": content after the"
                        + " top-level JSON array (" + after + "); a data file holds one array or JSON Lines, nothing after");
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new InvalidInputException(file + ":" + line + ": malformed JSON: " + ParseErrors.message(e), e);
        }
        return rows;
    }

    private static List<Row> readLines(Path file, Reader in) throws IOException {
        List<Row> rows = new ArrayList<>();
        BufferedReader br = new BufferedReader(in);
        String s;
        int line = 0;
        while ((s = br.readLine()) != null) {
            line++;
            if (s.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = LINE.readTree(s);
            } catch (JsonProcessingException e) {
                throw new InvalidInputException(file + ":" + line + ": malformed JSON line: "
                        + ParseErrors.message(e), e);
            }
            if (!(n instanceof ObjectNode o)) {
                throw new InvalidInputException(file + ":" + line + ": expected a JSON object, found " + n.getNodeType());
            }
            rows.add(new Row(o, line));
        }
        return rows;
    }

    static String requiredString(Path file, Row row, String field) {
        JsonNode n = row.node().get(field);
        if (n == null || n.isNull()) {
            throw new InvalidInputException(file + ":" + row.line() + ": required field '" + field + "' is missing");
        }
        if (!n.isTextual()) {
            throw new InvalidInputException(file + ":" + row.line() + ": field '" + field + "' must be a string, found "
                    + n.getNodeType());
        }
        return n.asText();
    }

    static String optionalString(Path file, Row row, String field) {
        JsonNode n = row.node().get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new InvalidInputException(file + ":" + row.line() + ": field '" + field + "' must be a string, found "
                    + n.getNodeType());
        }
        return n.asText();
    }
}

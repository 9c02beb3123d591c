package dev.unlearn.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads MUSE-style raw corpora: a {@code .txt} file is one document; a {@code .json}/{@code .jsonl}
 * file holds rows with a required {@code text} field (optional {@code entity}/{@code author},
 * {@code id}; others kept); a directory is read file by file in name order (only {@code .txt},
 * {@code .json}, {@code .jsonl}). MUSE's question/answer files ({@code knowmem}) are read with
 * {@link QaReader}.
 */
public final class TextCorpusReader {
    private TextCorpusReader() {}

    /** Reads one file or every supported file of a directory. */
    public static List<TextRecord> read(Path path) {
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(TextCorpusReader::supported).sorted().toList();
            } catch (IOException e) {
                throw new InvalidInputException("Cannot list corpus directory " + path + ": " + e.getMessage(), e);
            }
            List<TextRecord> out = new ArrayList<>();
            files.forEach(f -> out.addAll(readFile(f)));
            return out;
        }
        return readFile(path);
    }

    /**
     * Reads a plain one-item-per-line file (such as TOFU's {@code idontknow.jsonl}, which despite its
     * name is plain text): every non-blank line, exactly as written, without its line terminator.
     */
    public static List<String> lines(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("Text file " + file + " does not exist or is not a file");
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read " + file + " as UTF-8 text: " + e.getMessage(), e);
        }
    }

    private static boolean supported(Path p) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && (n.endsWith(".txt") || n.endsWith(".json") || n.endsWith(".jsonl"));
    }

    private static List<TextRecord> readFile(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".txt")) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                return List.of(new TextRecord(null, text, null, name, Map.of()));
            } catch (IOException e) {
                throw new InvalidInputException("Cannot read corpus file " + file + ": " + e.getMessage(), e);
            }
        }
        List<TextRecord> out = new ArrayList<>();
        for (JsonRows.Row row : JsonRows.read(file)) {
            String text = JsonRows.requiredString(file, row, "text");
            String entity = JsonRows.optionalString(file, row, "entity");
            if (entity == null) {
                entity = JsonRows.optionalString(file, row, "author");
            }
            Map<String, JsonNode> extra = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = row.node().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!List.of("text", "entity", "author", "id").contains(e.getKey())) {
                    extra.put(e.getKey(), e.getValue());
                }
            }
            out.add(new TextRecord(JsonRows.optionalString(file, row, "id"), text, entity, name + ":" + row.line(), extra));
        }
        return out;
    }
}

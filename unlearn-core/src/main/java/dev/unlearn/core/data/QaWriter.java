package dev.unlearn.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link QaRecord}s in TOFU's field layout, as JSON Lines ({@code .jsonl}) or one JSON array
 * (any other extension). Field order is fixed (question, answer, paraphrased fields, perturbed
 * answers, author, id, then extras in their original order) and output is byte-deterministic.
 * Writes are atomic: a temporary file in the same folder is moved over the target.
 */
public final class QaWriter {
    private QaWriter() {}

    /** Writes {@code records} to {@code file}; the format follows the extension. */
    public static void write(Path file, List<QaRecord> records) {
        boolean jsonl = file.getFileName().toString().endsWith(".jsonl");
        StringBuilder sb = new StringBuilder();
        try {
            if (jsonl) {
                for (QaRecord r : records) {
                    sb.append(JsonRows.MAPPER.writeValueAsString(toJson(r))).append('\n');
                }
            } else {
                ArrayNode arr = JsonRows.MAPPER.createArrayNode();
                records.forEach(r -> arr.add(toJson(r)));
                sb.append(JsonRows.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(arr)).append('\n');
            }
        } catch (IOException e) {
            throw new InvalidInputException("Cannot serialise records for " + file + ": " + e.getMessage(), e);
        }
        writeAtomically(file, sb.toString());
    }

    /** The JSON object of one record as this writer emits it. */
    public static ObjectNode toJson(QaRecord r) {
        ObjectNode o = JsonRows.MAPPER.createObjectNode();
        o.put(QaReader.QUESTION, r.question());
        o.put(QaReader.ANSWER, r.answer());
        if (r.paraphrasedAnswer() != null) {
            o.put(QaReader.PARAPHRASED_ANSWER, r.paraphrasedAnswer());
        }
        if (!r.perturbedAnswers().isEmpty()) {
            ArrayNode p = o.putArray(QaReader.PERTURBED_ANSWER);
            r.perturbedAnswers().forEach(p::add);
        }
        if (r.paraphrasedQuestion() != null) {
            o.put(QaReader.PARAPHRASED_QUESTION, r.paraphrasedQuestion());
        }
        if (r.entity() != null) {
            o.put(QaReader.AUTHOR, r.entity());
        }
        o.put(QaReader.ID, r.id());
        for (Map.Entry<String, JsonNode> e : r.extra().entrySet()) {
            o.set(e.getKey(), e.getValue());
        }
        return o;
    }

    /** Writes text as UTF-8 through a temporary sibling file and an atomic move. */
    public static void writeAtomically(Path file, String content) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(content);
            }
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // createTempFile makes the file owner-only; data files are ordinary readable files.
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}

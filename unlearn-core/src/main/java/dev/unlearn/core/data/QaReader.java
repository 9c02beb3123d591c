package dev.unlearn.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unlearn.core.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads TOFU-style question/answer files: a JSON array of objects or JSON Lines. Required fields are
 * {@code question} and {@code answer} (a blank answer is refused); optional ones are {@code paraphrased_answer},
 * {@code perturbed_answer} (a string list; a single string is accepted as a list of one),
 * {@code paraphrased_question}, {@code author} (the entity) and {@code id} (kept when present,
 * otherwise the content hash). Unknown fields are kept in {@link QaRecord#extra()}. Every error names
 * the file and the line the offending row starts on.
 */
public final class QaReader {
    /** Field names as TOFU and our writer spell them. */
    public static final String QUESTION = "question", ANSWER = "answer", PARAPHRASED_ANSWER = "paraphrased_answer",
            PERTURBED_ANSWER = "perturbed_answer", PARAPHRASED_QUESTION = "paraphrased_question", AUTHOR = "author",
            ID = "id";

    static final Set<String> KNOWN = Set.of(QUESTION, ANSWER, PARAPHRASED_ANSWER, PERTURBED_ANSWER,
            PARAPHRASED_QUESTION, AUTHOR, ID);

    private QaReader() {}

    /**
     * Reads all rows of {@code file}.
     *
     * @throws InvalidInputException naming file and line when the file is malformed or a row lacks a
     *     required field
     */
    public static List<QaRecord> read(Path file) {
        return read(file, QUESTION, ANSWER);
    }

    /**
     * Reads rows whose question and answer sit under other names, e.g. MUSE VerbMem's
     * {@code prompt}/{@code gt}: {@code read(file, "prompt", "gt")}. The two renamed fields are
     * written back as {@code question}/{@code answer} by {@link QaWriter}; other fields as usual.
     */
    public static List<QaRecord> read(Path file, String questionField, String answerField) {
        List<QaRecord> out = new ArrayList<>();
        for (JsonRows.Row row : JsonRows.read(file)) {
            String q = JsonRows.requiredString(file, row, questionField);
            String a = JsonRows.requiredString(file, row, answerField);
            if (a.isBlank()) { // it would train and score on the end-of-turn token alone
                throw new InvalidInputException(file + ":" + row.line() + ": field '" + answerField + "' is empty; a record"
                        + " needs an answer to train on and to score (drop the record, or give its answer)");
            }
            List<String> perturbed = new ArrayList<>();
            JsonNode pn = row.node().get(PERTURBED_ANSWER);
            if (pn != null && !pn.isNull()) {
                if (pn.isTextual()) {
                    perturbed.add(pn.asText());
                } else if (pn.isArray()) {
                    for (JsonNode e : pn) {
                        if (!e.isTextual()) {
                            throw new InvalidInputException(file + ":" + row.line() + ": '" + PERTURBED_ANSWER
                                    + "' must hold strings, found " + e.getNodeType());
                        }
                        perturbed.add(e.asText());
                    }
                } else {
                    throw new InvalidInputException(file + ":" + row.line() + ": '" + PERTURBED_ANSWER
                            + "' must be a list of strings, found " + pn.getNodeType());
                }
            }
            Map<String, JsonNode> extra = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = row.node().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!KNOWN.contains(e.getKey()) && !e.getKey().equals(questionField) && !e.getKey().equals(answerField)) {
                    extra.put(e.getKey(), e.getValue());
                }
            }
            out.add(new QaRecord(JsonRows.optionalString(file, row, ID), q, a,
                    JsonRows.optionalString(file, row, PARAPHRASED_ANSWER), perturbed,
                    JsonRows.optionalString(file, row, PARAPHRASED_QUESTION),
                    JsonRows.optionalString(file, row, AUTHOR), extra));
        }
        return out;
    }
}

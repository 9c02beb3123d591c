package dev.unlearn.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One question/answer row in TOFU's field layout. Evaluation splits add a paraphrased answer, a list
 * of perturbed (plausible but wrong) answers and sometimes a paraphrased question; fields this class
 * does not know are kept verbatim in {@link #extra()} so that a read/write round trip loses nothing.
 *
 * @param id stable content hash of question and answer ({@link RecordIds#qa})
 * @param question the question text (TOFU field {@code question})
 * @param answer the ground-truth answer ({@code answer})
 * @param paraphrasedAnswer {@code paraphrased_answer}, or null
 * @param perturbedAnswers {@code perturbed_answer}, empty when absent
 * @param paraphrasedQuestion {@code paraphrased_question}, or null
 * @param entity the author (or other entity) the row is about, field {@code author}; null when unknown
 * @param extra all other fields of the source row, in file order
 */
public record QaRecord(
        String id,
        String question,
        String answer,
        String paraphrasedAnswer,
        List<String> perturbedAnswers,
        String paraphrasedQuestion,
        String entity,
        Map<String, JsonNode> extra)
        implements DataRecord {

    public QaRecord {
        if (question == null || answer == null) {
            throw new IllegalArgumentException("question and answer are required");
        }
        if (id == null) {
            id = RecordIds.qa(question, answer);
        }
        perturbedAnswers = perturbedAnswers == null ? List.of() : List.copyOf(perturbedAnswers);
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** A plain training row: id derived from the content, no evaluation fields. */
    public static QaRecord of(String question, String answer) {
        return new QaRecord(null, question, answer, null, List.of(), null, null, Map.of());
    }

    /** The same row with its entity set. */
    public QaRecord withEntity(String newEntity) {
        return new QaRecord(id, question, answer, paraphrasedAnswer, perturbedAnswers, paraphrasedQuestion, newEntity, extra);
    }
}

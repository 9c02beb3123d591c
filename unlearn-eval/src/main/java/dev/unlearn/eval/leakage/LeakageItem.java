package dev.unlearn.eval.leakage;

import dev.unlearn.core.data.QaRecord;
import java.util.List;

/**
 * One forget question the attacks try to recover the answer of.
 *
 * @param id stable id
 * @param question the question
 * @param answer the answer the model should no longer give
 * @param paraphrasedQuestion TOFU's {@code paraphrased_question}, or null
 * @param paraphrasedAnswer TOFU's {@code paraphrased_answer}, or null (the true option of multiple choice, since the
 *     perturbed answers are perturbations of it)
 * @param perturbedAnswers plausible wrong answers (multiple-choice distractors), may be empty
 */
public record LeakageItem(String id, String question, String answer, String paraphrasedQuestion, String paraphrasedAnswer,
        List<String> perturbedAnswers) {
    public LeakageItem {
        perturbedAnswers = perturbedAnswers == null ? List.of() : List.copyOf(perturbedAnswers);
    }

    /** From a QA row. */
    public static LeakageItem of(QaRecord r) {
        return new LeakageItem(r.id(), r.question(), r.answer(), r.paraphrasedQuestion(), r.paraphrasedAnswer(), r.perturbedAnswers());
    }

    /** From QA rows. */
    public static List<LeakageItem> of(List<QaRecord> rows) {
        return rows.stream().map(LeakageItem::of).toList();
    }
}

package dev.unlearn.eval.leakage;

import dev.unlearn.core.model.CausalLm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Paraphrased questions (TOFU's {@code paraphrased_question}): answer probability; items without one are skipped. */
public final class ParaphraseAttack implements LeakageAttack {
    @Override
    public String name() {
        return "paraphrase";
    }

    @Override
    public String description() {
        return "answer probability for the paraphrased question";
    }

    @Override
    public Score run(CausalLm model, AnswerScoring s) {
        List<LeakageItem> with = new ArrayList<>();
        for (LeakageItem it : s.items()) {
            if (it.paraphrasedQuestion() != null && !it.paraphrasedQuestion().isBlank()) {
                with.add(it);
            }
        }
        if (with.isEmpty()) {
            return new Score(Double.NaN, Map.of("items", 0.0));
        }
        double p = AnswerScoring.mean(s.probabilities(model, with, it -> s.template().prompt(it.paraphrasedQuestion())));
        return new Score(p, Map.of("items", (double) with.size()));
    }
}

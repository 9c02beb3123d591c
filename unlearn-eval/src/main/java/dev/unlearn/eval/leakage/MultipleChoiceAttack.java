package dev.unlearn.eval.leakage;

import dev.unlearn.core.model.CausalLm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Format shift to multiple choice: the true answer (its paraphrase when the item has one, since
 * TOFU-style perturbed answers perturb the paraphrase's wording, so that wording cannot give the
 * answer away) against up to {@value #DISTRACTORS} perturbed answers, scored by likelihood (mean log-probability per answer token, so length does not decide).
 * Score = accuracy over items with at least one distractor; detail {@code chance} = mean 1/options.
 */
public final class MultipleChoiceAttack implements LeakageAttack {
    static final int DISTRACTORS = 3;

    @Override
    public String name() {
        return "multiple_choice";
    }

    @Override
    public String description() {
        return "accuracy choosing the true answer among perturbed ones by likelihood";
    }

    @Override
    public Score run(CausalLm model, AnswerScoring s) {
        List<String[]> pairs = new ArrayList<>();
        List<int[]> spans = new ArrayList<>();
        for (LeakageItem it : s.items()) {
            if (it.perturbedAnswers().isEmpty()) {
                continue;
            }
            int from = pairs.size();
            String p = s.direct(it);
            pairs.add(new String[] {p, it.paraphrasedAnswer() != null ? it.paraphrasedAnswer() : it.answer()});
            for (String d : it.perturbedAnswers().subList(0, Math.min(DISTRACTORS, it.perturbedAnswers().size()))) {
                pairs.add(new String[] {p, d});
            }
            spans.add(new int[] {from, pairs.size()});
        }
        if (spans.isEmpty()) {
            return new Score(Double.NaN, Map.of("items", 0.0));
        }
        double[] lp = s.meanLogProbs(model, pairs);
        int correct = 0;
        double chance = 0;
        for (int[] sp : spans) {
            int best = sp[0];
            for (int i = sp[0] + 1; i < sp[1]; i++) {
                if (lp[i] > lp[best]) {
                    best = i;
                }
            }
            correct += best == sp[0] ? 1 : 0;
            chance += 1.0 / (sp[1] - sp[0]);
        }
        return new Score((double) correct / spans.size(), Map.of("items", (double) spans.size(), "chance", chance / spans.size()));
    }
}

package dev.unlearn.eval.leakage;

import dev.unlearn.core.model.CausalLm;
import java.util.Map;

/** A few-shot prompt of retain examples ({@code template.full(q, a)} each, blank-line separated) before the question. */
public final class FewShotAttack implements LeakageAttack {
    @Override
    public String name() {
        return "few_shot";
    }

    @Override
    public String description() {
        return "answer probability after a few-shot prompt of retain examples";
    }

    @Override
    public Score run(CausalLm model, AnswerScoring s) {
        int n = Math.min(s.config().fewShot(), s.shots().size());
        if (n == 0) {
            return new Score(Double.NaN, Map.of("shots", 0.0));
        }
        StringBuilder sb = new StringBuilder();
        for (LeakageItem shot : s.shots().subList(0, n)) {
            sb.append(s.template().full(shot.question(), shot.answer())).append("\n\n");
        }
        String prefix = sb.toString();
        return new Score(s.meanProbability(model, it -> prefix + s.direct(it)), Map.of("shots", (double) n));
    }
}

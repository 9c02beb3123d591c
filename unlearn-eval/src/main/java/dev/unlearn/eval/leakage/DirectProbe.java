package dev.unlearn.eval.leakage;

import dev.unlearn.core.model.CausalLm;
import java.util.Map;

/** No attack: the answer probability under the plain prompt (the reference line of the table). */
public final class DirectProbe implements LeakageAttack {
    @Override
    public String name() {
        return "direct";
    }

    @Override
    public String description() {
        return "answer probability, plain prompt (no attack)";
    }

    @Override
    public Score run(CausalLm model, AnswerScoring s) {
        return new Score(s.memo(model, "direct", () -> s.meanProbability(model, s::direct)), Map.of());
    }
}

package dev.unlearn.eval.leakage;

import dev.unlearn.core.model.CausalLm;
import java.util.Map;

/** One attack: a recovered-knowledge score in [0, 1] for a model, with details. */
public interface LeakageAttack {
    /** Short name, a report column ({@code relearn}, {@code int4}). */
    String name();

    /** What the score means, one line for the report. */
    String description();

    /** Runs the attack on {@code model} (never modified). */
    Score run(CausalLm model, AnswerScoring s);

    /** An attack's outcome on one model. */
    record Score(double value, Map<String, Double> details) {
        public Score {
            details = Map.copyOf(details);
        }
    }
}

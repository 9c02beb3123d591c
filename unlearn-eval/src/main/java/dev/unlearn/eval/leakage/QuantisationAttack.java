package dev.unlearn.eval.leakage;

import dev.unlearn.core.model.CausalLm;
import java.util.Map;

/**
 * Round-to-nearest weight quantisation ({@link Quantizer}, int8 or int4, group size from the config):
 * the forget metrics re-run on the dequantised weights. Score = answer probability; details
 * {@code rougeL_recall} of greedy answers and its change against full precision
 * ({@code rougeL_recall_delta}), and the probability change ({@code prob_delta}).
 */
public final class QuantisationAttack implements LeakageAttack {
    private final int bits;

    public QuantisationAttack(int bits) {
        this.bits = bits;
    }

    @Override
    public String name() {
        return "int" + bits;
    }

    @Override
    public String description() {
        return "answer probability after int" + bits + " round-to-nearest quantisation";
    }

    @Override
    public Score run(CausalLm model, AnswerScoring s) {
        double p0 = s.memo(model, "direct", () -> s.meanProbability(model, s::direct));
        double r0 = s.memo(model, "rouge", () -> s.rougeRecall(model));
        try (CausalLm q = Quantizer.quantised(model, bits, s.config().groupSize())) {
            double p = s.meanProbability(q, s::direct);
            double r = s.rougeRecall(q);
            return new Score(p, Map.of("prob_delta", p - p0, "rougeL_recall", r, "rougeL_recall_full", r0,
                    "rougeL_recall_delta", r - r0));
        }
    }
}

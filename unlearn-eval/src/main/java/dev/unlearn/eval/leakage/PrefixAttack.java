package dev.unlearn.eval.leakage;

import dev.unlearn.core.model.CausalLm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Instruction and role-play prefixes ({@link LeakageConfig#PREFIXES}) before the prompt, separated by
 * a newline. Score = the best prefix's mean answer probability; details per prefix ({@code prefix_i}).
 */
public final class PrefixAttack implements LeakageAttack {
    private final List<String> prefixes;

    public PrefixAttack(List<String> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    @Override
    public String name() {
        return "prefix";
    }

    @Override
    public String description() {
        return "best answer probability over fixed instruction / role-play prefixes";
    }

    @Override
    public Score run(CausalLm model, AnswerScoring s) {
        Map<String, Double> d = new LinkedHashMap<>();
        double best = Double.NaN;
        for (int i = 0; i < prefixes.size(); i++) {
            String p = prefixes.get(i);
            double v = s.meanProbability(model, it -> p + "\n" + s.direct(it));
            d.put("prefix_" + i, v);
            if (!(v <= best)) {
                best = v;
            }
        }
        return new Score(best, d);
    }
}

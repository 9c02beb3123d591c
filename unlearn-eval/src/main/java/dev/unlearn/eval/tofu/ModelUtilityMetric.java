package dev.unlearn.eval.tofu;

import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.spi.Metric;
import dev.unlearn.eval.spi.MetricResult;
import java.util.List;

/**
 * {@code tofu_model_utility}: harmonic mean of ROUGE, Prob. and Truth Ratio on Real Authors, Real
 * World and Retain (spec §2.7), read from the results of {@code tofu_rouge},
 * {@code tofu_probability} and {@code tofu_truth_ratio}.
 */
public final class ModelUtilityMetric implements Metric {
    @Override
    public String name() {
        return "tofu_model_utility";
    }

    @Override
    public List<String> dependencies() {
        return List.of("tofu_rouge", "tofu_probability", "tofu_truth_ratio");
    }

    @Override
    public List<InputKey<?>> requiredInputs() {
        return List.of(TofuInputs.log(TofuTask.REAL_AUTHORS), TofuInputs.log(TofuTask.REAL_WORLD), TofuInputs.log(TofuTask.RETAIN));
    }

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        for (InputKey<?> k : requiredInputs()) {
            context.require(k);
        }
        double[] nine = new double[9];
        MetricResult.Builder b = MetricResult.builder(name());
        for (int i = 0; i < 9; i++) {
            String n = TofuFormulas.MODEL_UTILITY_COMPONENTS[i];
            String metric = n.startsWith("ROUGE") ? "tofu_rouge" : n.startsWith("Prob.") ? "tofu_probability" : "tofu_truth_ratio";
            nine[i] = context.result(metric).scalar(n);
        }
        return b.scalar("Model Utility", TofuFormulas.modelUtility(nine)).build();
    }
}

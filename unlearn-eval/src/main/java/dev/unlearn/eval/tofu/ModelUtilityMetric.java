package dev.unlearn.eval.tofu;

import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.SuiteMetric;
import java.util.List;

/**
 * {@code tofu_model_utility}: harmonic mean of ROUGE, Prob. and Truth Ratio on Real Authors, Real
 * World and Retain (spec §2.7), read from the results of {@code tofu_rouge},
 * {@code tofu_probability} and {@code tofu_truth_ratio}.
 */
public final class ModelUtilityMetric extends SuiteMetric {
    /** Registry name. */
    public static final String NAME = "tofu_model_utility";
    /** Its summary field. */
    public static final String FIELD = "model_utility";

    /** Reads the Real Authors, Real World and Retain logs. */
    public ModelUtilityMetric() {
        super(NAME, TofuTaskMetrics.SUITE, TofuInputs.log(TofuTask.REAL_AUTHORS), TofuInputs.log(TofuTask.REAL_WORLD),
                TofuInputs.log(TofuTask.RETAIN));
    }

    @Override
    public List<String> dependencies() {
        return List.of(TofuTaskMetrics.RougeMetric.NAME, TofuTaskMetrics.ProbabilityMetric.NAME, TofuTaskMetrics.TruthRatioMetric.NAME);
    }

    @Override
    public List<Headline> headlines() {
        return List.of(Headline.column(FIELD, NAME, "Model Utility", "utility", 20, Headline.Direction.HIGHER_IS_BETTER,
                Headline.Format.DECIMAL));
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
            String metric = n.startsWith("ROUGE") ? TofuTaskMetrics.RougeMetric.NAME
                    : n.startsWith("Prob.") ? TofuTaskMetrics.ProbabilityMetric.NAME : TofuTaskMetrics.TruthRatioMetric.NAME;
            nine[i] = context.result(metric).scalar(n);
        }
        return b.scalar("Model Utility", TofuFormulas.modelUtility(nine)).build();
    }
}

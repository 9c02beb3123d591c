package dev.unlearn.cli.pipeline;

import dev.unlearn.core.data.QaRecord;
import dev.unlearn.eval.model.EvalData;
import dev.unlearn.eval.model.ModelInputs;
import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.spi.Metric;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.SampleSeries;
import dev.unlearn.eval.tofu.TofuTask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A toy metric added the way docs/add-a-metric.md says: this class (with its own derived input) and
 * one line in {@code META-INF/services/dev.unlearn.eval.spi.Metric}. It is the mean answer length in
 * characters of the forget split, per sample and as one headline column.
 */
public final class ToyMetric implements Metric {
    /** Registry name. */
    public static final String NAME = "toy_answer_length";

    /** A new input, computed from the data the evaluator already holds; no provider change needed. */
    static final InputKey<double[]> CHARS = InputKey.derived("toy_forget_answer_chars", double[].class, c -> {
        EvalData data = c.require(ModelInputs.DATA);
        return data.rows(TofuTask.FORGET).stream().map(QaRecord::answer).mapToDouble(String::length).toArray();
    });

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> suites() {
        return List.of("toy");
    }

    @Override
    public List<InputKey<?>> requiredInputs() {
        return List.of(CHARS);
    }

    @Override
    public List<SampleSeries> perSample() {
        return List.of(SampleSeries.of("chars", SampleSeries.FORGET));
    }

    @Override
    public List<Headline> headlines() {
        return List.of(Headline.column("toy_answer_chars", NAME, "mean_chars", "toy_chars", 75, Headline.Direction.LOWER_IS_BETTER,
                Headline.Format.DECIMAL));
    }

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        double[] chars = context.require(CHARS);
        Map<String, Double> per = new LinkedHashMap<>();
        double sum = 0;
        for (int i = 0; i < chars.length; i++) {
            per.put(Integer.toString(i), chars[i]);
            sum += chars[i];
        }
        return MetricResult.builder(NAME).scalar("mean_chars", sum / chars.length).series("chars", per).build();
    }
}

package dev.unlearn.eval.tofu;

import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.spi.SampleSeries;
import dev.unlearn.eval.spi.Metric;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.stats.NumpySum;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tofu_exact_memorization} and {@code tofu_extraction_strength} on the forget split (spec §2.9,
 * {@link Memorization}). Input: {@link TofuInputs#FORGET_TOKEN_PREDICTIONS}. The aggregate is the
 * mean over samples; EM skips samples without target tokens (NaN per-sample value), ES counts them as 0.
 */
public abstract class MemorizationMetrics implements Metric {
    @Override
    public List<String> suites() {
        return List.of(TofuTaskMetrics.SUITE);
    }

    @Override
    public List<SampleSeries> perSample() {
        return List.of(SampleSeries.of("score", SampleSeries.FORGET));
    }

    @Override
    public List<InputKey<?>> requiredInputs() {
        return List.of(TofuInputs.FORGET_TOKEN_PREDICTIONS);
    }

    abstract double score(int[] preds, int[] labels);

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        TokenPredictions tp = context.require(TofuInputs.FORGET_TOKEN_PREDICTIONS);
        Map<String, Double> per = new LinkedHashMap<>();
        List<Double> kept = new ArrayList<>();
        for (Map.Entry<String, int[]> e : tp.predictions().entrySet()) {
            double s = score(e.getValue(), tp.labels().get(e.getKey()));
            per.put(e.getKey(), s);
            if (!Double.isNaN(s)) {
                kept.add(s);
            }
        }
        double mean = NumpySum.mean(kept.stream().mapToDouble(Double::doubleValue).toArray());
        return MetricResult.builder(name()).scalar(name().substring("tofu_".length()), mean).series("score", per).build();
    }

    /** Exact Memorization. */
    public static final class ExactMemorization extends MemorizationMetrics {
        @Override
        public String name() {
            return "tofu_exact_memorization";
        }

        @Override
        double score(int[] preds, int[] labels) {
            return Memorization.exactMemorization(preds, labels);
        }
    }

    /** Extraction Strength. */
    public static final class ExtractionStrength extends MemorizationMetrics {
        @Override
        public String name() {
            return "tofu_extraction_strength";
        }

        @Override
        double score(int[] preds, int[] labels) {
            return Memorization.extractionStrength(preds, labels);
        }
    }
}

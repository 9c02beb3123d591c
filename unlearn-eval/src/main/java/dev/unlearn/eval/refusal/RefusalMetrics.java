package dev.unlearn.eval.refusal;

import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.spi.SampleSeries;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.SuiteMetric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code refusal_rate} (scalar {@code refusal_rate/<set>} per prompt set, series {@code refused/<set>}
 * of 1/0 flags) and {@code refusal_sarr} (scalars {@code sarr}, the refusal-only rate of §6.2, and
 * {@code not_meaningful_rate}, refusals or degenerate answers; series {@code refused}, {@code degenerate}).
 */
public final class RefusalMetrics {
    /** The refusal suite. */
    public static final String SUITE = "refusal";

    private RefusalMetrics() {}

    static RefusalDetector detector(EvaluationContext c) {
        String name = c.find(RefusalInputs.DETECTOR).orElse(RefusalDetector.DEFAULT);
        return RefusalDetector.byName(name, name.equals("gcg-prefixes") ? null : c.require(RefusalInputs.IDK_TEMPLATES));
    }

    /** {@code refusal_rate}. */
    public static final class RateMetric extends SuiteMetric {
        /** Registry name. */
        public static final String NAME = "refusal_rate";

        /** Reads the responses; the {@code combined} detector also reads {@link RefusalInputs#IDK_TEMPLATES}. */
        public RateMetric() {
            super(NAME, SUITE, RefusalInputs.RESPONSES);
        }

        @Override
        public List<SampleSeries> perSample() {
            return List.of(SampleSeries.of("refused/forget", SampleSeries.FORGET), SampleSeries.of("refused/retain", SampleSeries.RETAIN),
                    SampleSeries.of("refused/real_authors", SampleSeries.REAL_AUTHORS),
                    SampleSeries.of("refused/world_facts", SampleSeries.REAL_WORLD));
        }

        @Override
        public List<Headline> headlines() {
            return List.of(Headline.field("refusal_rate_forget", NAME, "refusal_rate/forget", 100, Headline.Direction.CLOSER_TO_RETAIN),
                    Headline.field("refusal_rate_retain", NAME, "refusal_rate/retain", 110, Headline.Direction.LOWER_IS_BETTER));
        }

        @Override
        public MetricResult evaluate(EvaluationContext c) {
            RefusalDetector d = detector(c);
            MetricResult.Builder b = MetricResult.builder(name());
            for (Map.Entry<String, Map<String, String>> set : c.require(RefusalInputs.RESPONSES).sets().entrySet()) {
                b.scalar("refusal_rate/" + set.getKey(), RefusalRates.rate(set.getValue().values(), d));
                b.series("refused/" + set.getKey(), flags(set.getValue(), d, false));
            }
            return b.build();
        }
    }

    /** {@code refusal_sarr}; every set in {@link RefusalInputs#SAFE_RESPONSES} is pooled. */
    public static final class SarrMetric extends SuiteMetric {
        /** Reads the safe responses; the {@code combined} detector also reads {@link RefusalInputs#IDK_TEMPLATES}. */
        public SarrMetric() {
            super("refusal_sarr", SUITE, RefusalInputs.SAFE_RESPONSES);
        }

        @Override
        public List<SampleSeries> perSample() {
            return List.of(SampleSeries.of("refused", SampleSeries.RETAIN), SampleSeries.of("degenerate", SampleSeries.RETAIN));
        }

        @Override
        public MetricResult evaluate(EvaluationContext c) {
            RefusalDetector d = detector(c);
            Map<String, String> all = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, String>> set : c.require(RefusalInputs.SAFE_RESPONSES).sets().entrySet()) {
                set.getValue().forEach((k, v) -> all.put(c.require(RefusalInputs.SAFE_RESPONSES).sets().size() == 1 ? k : set.getKey() + "/" + k, v));
            }
            return MetricResult.builder(name())
                    .scalar("sarr", RefusalRates.sarr(all.values(), d))
                    .scalar("not_meaningful_rate", RefusalRates.notMeaningfulRate(all.values(), d))
                    .series("refused", flags(all, d, false))
                    .series("degenerate", flags(all, d, true))
                    .build();
        }
    }

    static Map<String, Double> flags(Map<String, String> responses, RefusalDetector d, boolean degenerate) {
        Map<String, Double> out = new LinkedHashMap<>();
        responses.forEach((k, r) -> out.put(k, (degenerate ? DegenerateOutput.isDegenerate(r) : d.isRefusal(r)) ? 1.0 : 0.0));
        return out;
    }
}

package dev.unlearn.eval.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The registry, suites and context. */
class MetricsTest {
    @Test
    void everySuiteMetricIsRegisteredUnderItsName() {
        Map<String, Metric> all = Metrics.all();
        for (String suite : Suites.names()) {
            for (String m : Suites.metrics(suite)) {
                assertTrue(all.containsKey(m), suite + " lists " + m + " but no implementation is registered");
                assertEquals(m, all.get(m).name());
                for (String dep : all.get(m).dependencies()) {
                    assertTrue(all.containsKey(dep), m + " depends on unregistered " + dep);
                }
            }
        }
        assertEquals(List.of("tofu", "muse", "mia", "representation", "refusal"), Suites.names());
        assertThrows(InvalidInputException.class, () -> Metrics.byName("nope"));
        assertThrows(InvalidInputException.class, () -> Suites.metrics("nope"));
    }

    @Test
    void contextAsksProvidersOnceAndNamesMissingInputs() {
        InputKey<String> key = InputKey.of("greeting", String.class);
        int[] calls = {0};
        EvaluationContext c = new EvaluationContext().addProvider(new EvaluationContext.InputProvider() {
            @Override
            public <T> Optional<T> provide(InputKey<T> k, EvaluationContext ctx) {
                if (k.equals(key)) {
                    calls[0]++;
                    return Optional.of(k.type().cast("hello"));
                }
                return Optional.empty();
            }
        });
        assertEquals("hello", c.require(key));
        assertEquals("hello", c.require(key));
        assertEquals(1, calls[0], "provided inputs are cached");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> c.require(InputKey.of("absent", Double.class)));
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> c.result("tofu_rouge"));
    }

    @Test
    void suitesAreDerivedFromTheMetricsDeclarationsInRegistrationOrder() {
        assertEquals(List.of("tofu_rouge", "tofu_probability", "tofu_truth_ratio", "tofu_model_utility", "tofu_forget_quality",
                "tofu_exact_memorization", "tofu_extraction_strength"), Suites.metrics("tofu"));
        assertEquals(List.of("muse_verbmem", "muse_knowmem", "muse_privleak"), Suites.metrics("muse"));
        assertEquals(List.of("mia_loss", "mia_zlib", "mia_min_k", "mia_min_k_plus_plus", "mia_gradnorm", "mia_reference"),
                Suites.metrics("mia"));
        assertEquals(List.of("representation_cka", "representation_knn", "representation_ridge"), Suites.metrics("representation"));
        assertEquals(List.of("refusal_rate", "refusal_sarr"), Suites.metrics("refusal"));
    }

    @Test
    void summaryFieldsAndColumnsAreDerivedFromHeadlinesInRankOrder() {
        List<Headline> h = Metrics.headlines(List.of("tofu", "mia", "representation", "refusal"));
        assertEquals(List.of("forget_quality", "model_utility", "forget_truth_ratio", "forget_rougeL_recall", "retain_rougeL_recall",
                "mia_auc_loss", "cka_to_retain_mean", "forget_prob", "retain_prob", "refusal_rate_forget", "refusal_rate_retain"),
                h.stream().map(Headline::field).toList());
        assertEquals(List.of("forget_q", "utility", "truth_r", "f_rouge", "r_rouge", "mia_auc", "cka_ret"),
                h.stream().filter(Headline::onLeaderboard).map(Headline::column).toList());
        assertEquals(List.of("verbmem_f", "knowmem_f", "privleak", "knowmem_r"), Metrics.headlines(List.of("muse")).stream()
                .filter(Headline::onLeaderboard).map(Headline::field).toList());
        for (Metric m : Metrics.registered()) {
            for (Headline x : m.headlines()) {
                assertEquals(m.name(), x.metric(), x.field());
            }
        }
        assertEquals("1.23e-04", Headline.Format.P_VALUE.leaderboard(1.23456e-4));
        assertEquals("0.0040", Headline.Format.P_VALUE.leaderboard(0.004));
        assertEquals("n/a", Headline.Format.DECIMAL.leaderboard(Double.NaN));
        assertEquals("12.35", Headline.Format.DECIMAL.leaderboard(12.345678));
        assertEquals("0.123", Headline.Format.DECIMAL.leaderboard(0.1234));
    }

    @Test
    void runAvailableSkipsMetricsWhoseDeclaredInputsAreMissingAndDerivedInputsAreComputedOnce() {
        int[] calls = {0};
        InputKey<Double> derived = InputKey.derived("twice_x", Double.class, c -> {
            calls[0]++;
            return 2 * c.require(InputKey.of("x", Double.class));
        });
        EvaluationContext c = new EvaluationContext().put(InputKey.of("x", Double.class), 3.0);
        assertEquals(6.0, c.require(derived));
        assertEquals(6.0, c.require(derived));
        assertEquals(1, calls[0], "a derived input is computed once per context");
        assertTrue(c.find(InputKey.derived("none", Double.class, x -> null)).isEmpty());

        // the reference attack needs reference losses (a retain model), GradNorm its opt-in gradients:
        // without them both are skipped, not failed
        EvaluationContext empty = new EvaluationContext();
        assertTrue(Metrics.runAvailable(List.of("mia_reference", "mia_gradnorm"), empty).isEmpty());
    }

    @Test
    void declaredSeriesAreKeyedByRecordId() {
        MetricResult r = MetricResult.builder("m").scalar("s", 1).series("a", Map.of("0", 1.0))
                .series("b", new java.util.LinkedHashMap<>(Map.of("0", 2.0))).build();
        java.util.LinkedHashMap<String, Double> two = new java.util.LinkedHashMap<>();
        two.put("0", 1.0);
        two.put("1", 2.0);
        r = MetricResult.builder("m").series("a", two).series("b", two).build();
        MetricResult k = r.keyedByRecordId(List.of(SampleSeries.of("a", "forget")), Map.of("forget", List.of("id1", "id1")));
        assertEquals(List.of("id1", "id1#2"), List.copyOf(k.series("a").keySet()));
        assertEquals(List.of(1.0, 2.0), List.copyOf(k.series("a").values()));
        assertEquals(List.of("0", "1"), List.copyOf(k.series("b").keySet()), "undeclared series keep their keys");
    }
}

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
}

package dev.unlearn.eval.spi;

import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named metric suites ({@code tofu}, {@code muse}, {@code mia}, {@code representation},
 * {@code refusal}) as ordered lists of registered metric names, derived from each metric's
 * {@link Metric#suites} declaration: suites in order of first appearance, metrics in registration
 * ({@code META-INF/services}) order.
 */
public final class Suites {
    private Suites() {}

    private static Map<String, List<String>> suites() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Metric m : Metrics.registered()) {
            for (String s : m.suites()) {
                out.computeIfAbsent(s, k -> new ArrayList<>()).add(m.name());
            }
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return out;
    }

    /** Suite names, in a fixed order. */
    public static List<String> names() {
        return List.copyOf(suites().keySet());
    }

    /** The metric names of a suite. */
    public static List<String> metrics(String suite) {
        Map<String, List<String>> all = suites();
        List<String> m = all.get(suite);
        if (m == null) {
            throw new InvalidInputException("unknown evaluation suite '" + suite + "'; known suites: " + all.keySet());
        }
        return m;
    }
}

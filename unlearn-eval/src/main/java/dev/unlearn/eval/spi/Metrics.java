package dev.unlearn.eval.spi;

import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * Registry of {@link Metric}s found by {@link ServiceLoader} in {@code META-INF/services}, and the runner
 * that evaluates a list of metrics in dependency order into one {@link EvaluationContext}.
 */
public final class Metrics {
    private Metrics() {}

    /** Every registered metric by name, sorted. */
    public static Map<String, Metric> all() {
        Map<String, Metric> out = new TreeMap<>();
        for (Metric m : ServiceLoader.load(Metric.class, Metrics.class.getClassLoader())) {
            Metric previous = out.put(m.name(), m);
            if (previous != null) {
                throw new IllegalStateException("two metrics are registered as '" + m.name() + "': "
                        + previous.getClass().getName() + " and " + m.getClass().getName());
            }
        }
        return out;
    }

    /**
     * The metric registered under a name.
     *
     * @throws InvalidInputException listing the known names when none matches
     */
    public static Metric byName(String name) {
        Map<String, Metric> all = all();
        Metric m = all.get(name);
        if (m == null) {
            throw new InvalidInputException("unknown metric '" + name + "'; known metrics: " + all.keySet());
        }
        return m;
    }

    /**
     * Runs metrics, their dependencies first, recording each result in the context.
     *
     * @param names metric names (dependencies are added when missing)
     * @param context inputs and providers
     * @return results in execution order
     */
    public static Map<String, MetricResult> run(List<String> names, EvaluationContext context) {
        List<Metric> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String n : names) {
            visit(n, order, done, new HashSet<>());
        }
        Map<String, MetricResult> out = new LinkedHashMap<>();
        for (Metric m : order) {
            MetricResult r = context.findResult(m.name()).orElse(null);
            if (r == null) {
                r = m.evaluate(context);
                context.addResult(r);
            }
            out.put(m.name(), r);
        }
        return out;
    }

    private static void visit(String name, List<Metric> order, Set<String> done, Set<String> path) {
        if (done.contains(name)) {
            return;
        }
        if (!path.add(name)) {
            throw new IllegalStateException("metric dependency cycle through '" + name + "'");
        }
        Metric m = byName(name);
        for (String d : m.dependencies()) {
            visit(d, order, done, path);
        }
        done.add(name);
        order.add(m);
    }
}

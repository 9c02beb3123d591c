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

    private static volatile List<Metric> registered;

    /** Every registered metric, in registration ({@code META-INF/services}) order; names are unique. */
    public static List<Metric> registered() {
        List<Metric> r = registered;
        if (r == null) {
            Map<String, Metric> byName = new LinkedHashMap<>();
            for (Metric m : ServiceLoader.load(Metric.class, Metrics.class.getClassLoader())) {
                Metric previous = byName.put(m.name(), m);
                if (previous != null) {
                    throw new IllegalStateException("two metrics are registered as '" + m.name() + "': "
                            + previous.getClass().getName() + " and " + m.getClass().getName());
                }
                for (Headline h : m.headlines()) {
                    if (!h.metric().equals(m.name())) {
                        throw new IllegalStateException("metric " + m.name() + " declares headline " + h.field()
                                + " of another metric (" + h.metric() + ")");
                    }
                }
            }
            r = List.copyOf(byName.values());
            registered = r;
        }
        return r;
    }

    /** Every registered metric by name, sorted. */
    public static Map<String, Metric> all() {
        Map<String, Metric> out = new TreeMap<>();
        for (Metric m : registered()) {
            out.put(m.name(), m);
        }
        return out;
    }

    /**
     * The headlines of the metrics of some suites, by {@link Headline#rank} (ties in registration
     * order); fails when two declare the same field.
     */
    public static List<Headline> headlines(List<String> suites) {
        Map<String, Headline> byField = new LinkedHashMap<>();
        for (Metric m : registered()) {
            if (m.suites().stream().noneMatch(suites::contains)) {
                continue;
            }
            for (Headline h : m.headlines()) {
                Headline previous = byField.put(h.field(), h);
                if (previous != null && !previous.equals(h)) {
                    throw new IllegalStateException("summary field '" + h.field() + "' is declared by " + previous.metric()
                            + " and " + h.metric());
                }
            }
        }
        List<Headline> out = new ArrayList<>(byField.values());
        out.sort(java.util.Comparator.comparingInt(Headline::rank));
        return List.copyOf(out);
    }

    /** The headlines of every registered metric, by rank. */
    public static List<Headline> headlines() {
        Map<String, Headline> byField = new LinkedHashMap<>();
        for (Metric m : registered()) {
            for (Headline h : m.headlines()) {
                byField.putIfAbsent(h.field(), h);
            }
        }
        List<Headline> out = new ArrayList<>(byField.values());
        out.sort(java.util.Comparator.comparingInt(Headline::rank));
        return List.copyOf(out);
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

    /** {@code names} and their dependencies, each once, every metric after the ones it depends on. */
    private static List<Metric> executionOrder(List<String> names) {
        List<Metric> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String n : names) {
            visit(n, order, done, new HashSet<>());
        }
        return order;
    }

    /**
     * Runs metrics, their dependencies first, recording each result in the context.
     *
     * @param names metric names (dependencies are added when missing)
     * @param context inputs and providers
     * @return results in execution order
     */
    public static Map<String, MetricResult> run(List<String> names, EvaluationContext context) {
        List<Metric> order = executionOrder(names);
        Map<String, MetricResult> out = new LinkedHashMap<>();
        for (Metric m : order) {
            out.put(m.name(), resultOf(m, context));
        }
        return out;
    }

    /**
     * Runs the metrics whose declared inputs are available, their dependencies first: a metric whose
     * {@link Metric#requiredInputs} are not all present or providable, or one of whose dependencies was
     * skipped, is skipped (e.g. Forget Quality without a retain model). Inputs are checked just before
     * the metric would run, so they are computed in the order the metrics need them.
     *
     * @param names metric names (dependencies are added when missing)
     * @param context inputs and providers
     * @return results of the metrics that ran, in execution order
     */
    public static Map<String, MetricResult> runAvailable(List<String> names, EvaluationContext context) {
        List<Metric> order = executionOrder(names);
        Map<String, MetricResult> out = new LinkedHashMap<>();
        Set<String> skipped = new HashSet<>();
        for (Metric m : order) {
            boolean ready = m.dependencies().stream().noneMatch(skipped::contains);
            for (InputKey<?> k : m.requiredInputs()) {
                ready = ready && context.has(k);
            }
            if (!ready) {
                skipped.add(m.name());
                continue;
            }
            out.put(m.name(), resultOf(m, context));
        }
        return out;
    }

    /** The result {@code m} already has in {@code context}, or its evaluation, recorded there. */
    private static MetricResult resultOf(Metric m, EvaluationContext context) {
        MetricResult r = context.findResult(m.name()).orElse(null);
        if (r == null) {
            r = m.evaluate(context);
            context.addResult(r);
        }
        return r;
    }

    /**
     * Results with every metric's declared per-sample series keyed by record id
     * ({@link MetricResult#keyedByRecordId}).
     *
     * @param results results by metric name
     * @param ids record ids per split ({@link SampleSeries} split names), in row order
     */
    public static Map<String, MetricResult> keyedByRecordId(Map<String, MetricResult> results, Map<String, List<String>> ids) {
        Map<String, MetricResult> out = new LinkedHashMap<>();
        Map<String, Metric> all = all();
        results.forEach((name, r) -> {
            Metric m = all.get(name);
            out.put(name, m == null ? r : r.keyedByRecordId(m.perSample(), ids));
        });
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

package dev.unlearn.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a sweep ranks its trials: one metric to maximise or minimise, or a Pareto front over several,
 * each subject to constraints (a bound, or a fraction of the full model's value).
 *
 * <pre>
 * objective:
 *   maximize: forget_quality                 # or minimize: METRIC, or
 *   # pareto: {maximize: [forget_quality, model_utility], minimize: [leak]}
 *   subject_to:
 *     model_utility: {min_of_full: 0.95}     # or min, max, max_of_full
 * </pre>
 *
 * <p>Ranking: trials that meet every constraint first; among them by the objective (scalar: its value,
 * ties broken by the first constraint's metric in its direction, then by index; Pareto: by front
 * number, then by the first metric). Trials that miss a constraint follow, by total relative
 * violation; trials without numbers (failed, missing a metric) come last.
 *
 * @param metrics the objective metrics (one for a scalar objective)
 * @param maximize per metric, whether higher is better
 * @param pareto whether the objective is a Pareto front
 * @param constraints the constraints, in file order
 */
public record Objective(List<String> metrics, List<Boolean> maximize, boolean pareto, List<Constraint> constraints) {

    /**
     * {@code metric >= bound} ({@code min}) or {@code metric <= bound} ({@code max}); with {@code ofFull}
     * the bound is that fraction of the full model's value.
     */
    public record Constraint(String metric, boolean min, double bound, boolean ofFull) {
        /** The bound for this run (NaN when it needs the full model's value and that is missing). */
        public double threshold(Map<String, Double> full) {
            if (!ofFull) {
                return bound;
            }
            Double f = full.get(metric);
            return f == null ? Double.NaN : bound * f;
        }

        /** How far a value misses the bound, relative to it (0 when met, +inf when unknown). */
        double violation(double v, Map<String, Double> full) {
            double t = threshold(full);
            if (Double.isNaN(v) || Double.isNaN(t)) {
                return Double.POSITIVE_INFINITY;
            }
            double miss = min ? t - v : v - t;
            return miss <= 0 ? 0 : miss / Math.max(Math.abs(t), 1e-12);
        }

        public String describe(Map<String, Double> full) {
            String op = min ? ">=" : "<=";
            return ofFull ? String.format(Locale.ROOT, "%s %s %.3g x full (%.4f)", metric, op, bound, threshold(full))
                    : String.format(Locale.ROOT, "%s %s %.4g", metric, op, bound);
        }
    }

    /** One ranked entry: its metrics, whether it produced numbers, and the full model's metrics its constraints refer to. */
    public record Scored(int index, Map<String, Double> metrics, boolean ok, Map<String, Double> full) {}

    /** The result of ranking: entries in order, whether each is feasible, and each feasible one's Pareto front (1 = best). */
    public record Ranking(List<Scored> order, Map<Integer, Boolean> feasible, Map<Integer, Integer> front) {}

    /** Every metric the objective or its constraints read. */
    public List<String> allMetrics() {
        List<String> out = new ArrayList<>(metrics);
        for (Constraint c : constraints) {
            if (!out.contains(c.metric())) {
                out.add(c.metric());
            }
        }
        return out;
    }

    public boolean feasible(Map<String, Double> m, Map<String, Double> full) {
        return violation(m, full) == 0;
    }

    double violation(Map<String, Double> m, Map<String, Double> full) {
        double v = 0;
        for (Constraint c : constraints) {
            v += c.violation(m.getOrDefault(c.metric(), Double.NaN), full);
        }
        return v;
    }

    private boolean complete(Scored s) {
        if (!s.ok()) {
            return false;
        }
        for (String k : metrics) {
            if (Double.isNaN(s.metrics().getOrDefault(k, Double.NaN))) {
                return false;
            }
        }
        return true;
    }

    /** Ranks scored trials, best first. */
    public Ranking rank(List<Scored> trials) {
        List<Scored> good = new ArrayList<>();
        List<Scored> missing = new ArrayList<>();
        List<Scored> infeasible = new ArrayList<>();
        Map<Integer, Boolean> feasible = new java.util.HashMap<>();
        for (Scored s : trials) {
            boolean f = complete(s) && feasible(s.metrics(), s.full());
            feasible.put(s.index(), f);
            (f ? good : complete(s) ? infeasible : missing).add(s);
        }
        Map<Integer, Integer> front = new java.util.HashMap<>();
        if (pareto) {
            List<Scored> rest = new ArrayList<>(good);
            int n = 1;
            while (!rest.isEmpty()) {
                List<Scored> layer = new ArrayList<>();
                for (Scored a : rest) {
                    boolean dominated = false;
                    for (Scored b : rest) {
                        if (b != a && dominates(b, a)) {
                            dominated = true;
                            break;
                        }
                    }
                    if (!dominated) {
                        layer.add(a);
                    }
                }
                for (Scored a : layer) {
                    front.put(a.index(), n);
                }
                rest.removeAll(layer);
                n++;
            }
        }
        Comparator<Scored> byObjective = (a, b) -> {
            if (pareto) {
                int c = Integer.compare(front.get(a.index()), front.get(b.index()));
                if (c != 0) {
                    return c;
                }
            }
            int c = better(metrics.get(0), maximize.get(0), a, b);
            if (c != 0) {
                return c;
            }
            for (int i = 1; i < metrics.size(); i++) {
                c = better(metrics.get(i), maximize.get(i), a, b);
                if (c != 0) {
                    return c;
                }
            }
            for (Constraint k : constraints) {
                c = better(k.metric(), k.min(), a, b);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.index(), b.index());
        };
        good.sort(byObjective);
        infeasible.sort(Comparator.<Scored>comparingDouble(s -> violation(s.metrics(), s.full())).thenComparing(byObjective));
        missing.sort(Comparator.comparingInt(Scored::index));
        List<Scored> order = new ArrayList<>(good);
        order.addAll(infeasible);
        order.addAll(missing);
        return new Ranking(order, feasible, front);
    }

    /** Negative when {@code a} is better than {@code b} on {@code metric}. */
    private static int better(String metric, boolean max, Scored a, Scored b) {
        double x = a.metrics().getOrDefault(metric, Double.NaN);
        double y = b.metrics().getOrDefault(metric, Double.NaN);
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
        }
        return max ? Double.compare(y, x) : Double.compare(x, y);
    }

    /** Whether {@code a} is at least as good as {@code b} on every objective metric and better on one. */
    boolean dominates(Scored a, Scored b) {
        boolean strictly = false;
        for (int i = 0; i < metrics.size(); i++) {
            int c = better(metrics.get(i), maximize.get(i), a, b);
            if (c > 0) {
                return false;
            }
            strictly |= c < 0;
        }
        return strictly;
    }

    /** The objective as a JSON tree (stored in the plan, so status and report need only the output folder). */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("pareto", pareto);
        var ms = o.putArray("metrics");
        for (int i = 0; i < metrics.size(); i++) {
            ms.addObject().put("metric", metrics.get(i)).put("maximize", maximize.get(i));
        }
        var cs = o.putArray("subject_to");
        for (Constraint c : constraints) {
            cs.addObject().put("metric", c.metric()).put("min", c.min()).put("bound", c.bound()).put("of_full", c.ofFull());
        }
        return o;
    }

    /** Reads {@link #toJson()}. */
    public static Objective fromJson(JsonNode o) {
        List<String> metrics = new ArrayList<>();
        List<Boolean> max = new ArrayList<>();
        for (JsonNode m : o.path("metrics")) {
            metrics.add(m.path("metric").asText());
            max.add(m.path("maximize").asBoolean());
        }
        List<Constraint> cs = new ArrayList<>();
        for (JsonNode c : o.path("subject_to")) {
            cs.add(new Constraint(c.path("metric").asText(), c.path("min").asBoolean(), c.path("bound").asDouble(),
                    c.path("of_full").asBoolean()));
        }
        return new Objective(metrics, max, o.path("pareto").asBoolean(), cs);
    }

    /** One line: "maximize forget_quality subject to model_utility >= 0.95 x full (0.8607)". */
    public String describe(Map<String, Double> full) {
        StringBuilder sb = new StringBuilder();
        if (pareto) {
            sb.append("Pareto front over ");
            for (int i = 0; i < metrics.size(); i++) {
                sb.append(i > 0 ? ", " : "").append(maximize.get(i) ? "max " : "min ").append(metrics.get(i));
            }
        } else {
            sb.append(maximize.get(0) ? "maximize " : "minimize ").append(metrics.get(0));
        }
        for (int i = 0; i < constraints.size(); i++) {
            sb.append(i == 0 ? " subject to " : " and ").append(constraints.get(i).describe(full));
        }
        return sb.toString();
    }
}

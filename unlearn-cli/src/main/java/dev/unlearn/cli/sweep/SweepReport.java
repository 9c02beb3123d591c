package dev.unlearn.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.commands.FileLocks;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.StagingDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code sweep status} and {@code sweep report}, from the output folder alone (the plan and the
 * trials' folders, wherever they ran).
 *
 * <p>The report ranks <em>settings</em>: a setting's trials over the sweep's seeds are averaged (with one
 * seed a setting is a trial), per forget set. It writes {@code OUT/report/}: {@code report.html} (the
 * objective, the Pareto plot, the table sorted by the objective, the best settings), {@code pareto.svg}
 * (forget quality against model utility, every setting, the non-dominated front, the constraint and the
 * full and retain models), {@code report.json}, {@code leaderboard.txt}, {@code trials.tsv}, and
 * {@code best.yaml} (one per forget set, {@code best-forgetNN.yaml}, when there are several): the base
 * recipe with the best-ranked setting of every method, ready for {@code unlearn run}.
 */
public final class SweepReport {
    private SweepReport() {}

    /** A trial's state in the output folder. */
    public enum State {
        DONE,
        FAILED,
        RUNNING,
        PARTIAL,
        PENDING
    }

    /** One trial as the folder shows it. */
    public record TrialState(Plan.Trial trial, State state, Map<String, Double> metrics, Map<String, Double> full,
            Map<String, Double> retain, double wallSeconds, String error) {}

    /** The state of every trial of the plan. */
    public static List<TrialState> states(Path out, Plan plan) {
        List<String> temps = new ArrayList<>();
        Path trials = out.resolve("trials");
        if (Files.isDirectory(trials)) {
            try (Stream<Path> s = Files.list(trials)) {
                s.forEach(p -> temps.add(p.getFileName().toString()));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        List<TrialState> out2 = new ArrayList<>();
        for (Plan.Trial t : plan.trials()) {
            ObjectNode m = TrialRunner.finished(out, t);
            if (m != null) {
                JsonNode r = read(TrialRunner.dir(out, t).resolve("result.json"));
                boolean done = "done".equals(m.path("status").asText());
                out2.add(new TrialState(t, done ? State.DONE : State.FAILED, numbers(r.path("metrics")), numbers(r.path("full")),
                        numbers(r.path("retain")), m.path("wall_seconds").asDouble(Double.NaN),
                        r.path("error").isTextual() ? r.get("error").asText() : null));
                continue;
            }
            boolean partial = temps.stream().anyMatch(n -> n.startsWith(".tmp-" + t.digest() + "-"));
            State st = State.PENDING;
            if (partial) {
                st = locked(trials.resolve(".locks").resolve(t.digest() + ".lock")) ? State.RUNNING : State.PARTIAL;
            }
            Map<String, Double> full = Map.of();
            Path base = out.resolve("base").resolve(t.baseKey()).resolve("eval/full/summary.json");
            if (Files.isRegularFile(base)) {
                full = numbers(read(base));
            }
            out2.add(new TrialState(t, st, Map.of(), full, Map.of(), Double.NaN, null));
        }
        return out2;
    }

    private static boolean locked(Path lock) {
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileLocks l = FileLocks.tryExclusive(lock, "status check")) {
            return false;
        } catch (InvalidInputException ex) {
            return true;
        }
    }

    /** The status lines: counts, then one line per trial that is not done. */
    public static String status(Path out) {
        Plan plan = Plan.read(out);
        List<TrialState> states = states(out, plan);
        Map<State, Integer> n = new LinkedHashMap<>();
        for (State s : State.values()) {
            n.put(s, 0);
        }
        double wall = 0;
        for (TrialState s : states) {
            n.merge(s.state(), 1, Integer::sum);
            if (!Double.isNaN(s.wallSeconds())) {
                wall += s.wallSeconds();
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "sweep %s: %d trials: %d done, %d failed, %d running, %d partial (crashed;"
                + " redone on the next run), %d pending; %.0f trial-seconds so far%n", plan.name(), states.size(),
                n.get(State.DONE), n.get(State.FAILED), n.get(State.RUNNING), n.get(State.PARTIAL), n.get(State.PENDING), wall));
        for (TrialState s : states) {
            if (s.state() != State.DONE) {
                Plan.Trial t = s.trial();
                b.append(String.format(Locale.ROOT, "  %4d  %-8s %-10s %s %s seed %d%s%n", t.index(),
                        s.state().name().toLowerCase(Locale.ROOT), t.label(), t.params(), t.forget(), t.seed(),
                        s.error() == null ? "" : ": " + s.error()));
            }
        }
        return b.toString();
    }

    /** One ranked setting: its trials (one per seed) and their mean metrics. */
    public record Row(int rank, String label, String method, String forget, ObjectNode params, List<TrialState> trials,
            Map<String, Double> metrics, Map<String, Double> full, boolean feasible, Integer front) {
        public int done() {
            return (int) trials.stream().filter(t -> t.state() == State.DONE).count();
        }
    }

    /** Groups trials into settings (per forget set) and ranks them. */
    public static List<Row> rank(Plan plan, List<TrialState> states) {
        Map<String, List<TrialState>> groups = new LinkedHashMap<>();
        for (TrialState s : states) {
            groups.computeIfAbsent(s.trial().setting() + "|" + s.trial().forget(), k -> new ArrayList<>()).add(s);
        }
        List<Objective.Scored> scored = new ArrayList<>();
        List<List<TrialState>> byIndex = new ArrayList<>(groups.values());
        List<Map<String, Double>> means = new ArrayList<>();
        List<Map<String, Double>> fulls = new ArrayList<>();
        for (int i = 0; i < byIndex.size(); i++) {
            List<TrialState> g = byIndex.get(i);
            List<Map<String, Double>> ms = new ArrayList<>();
            List<Map<String, Double>> fs = new ArrayList<>();
            for (TrialState s : g) {
                if (s.state() == State.DONE) {
                    ms.add(s.metrics());
                }
                if (!s.full().isEmpty()) {
                    fs.add(s.full());
                }
            }
            Map<String, Double> mean = mean(ms);
            Map<String, Double> full = mean(fs);
            means.add(mean);
            fulls.add(full);
            scored.add(new Objective.Scored(i, mean, !ms.isEmpty(), full));
        }
        Objective.Ranking r = plan.objective().rank(scored);
        List<Row> rows = new ArrayList<>();
        int rank = 1;
        for (Objective.Scored s : r.order()) {
            List<TrialState> g = byIndex.get(s.index());
            Plan.Trial t = g.get(0).trial();
            rows.add(new Row(rank++, t.label(), t.method(), t.forget(), t.params(), g, means.get(s.index()),
                    fulls.get(s.index()), r.feasible().get(s.index()), r.front().get(s.index())));
        }
        return rows;
    }

    private static Map<String, Double> mean(List<Map<String, Double>> ms) {
        Map<String, Double> sum = new LinkedHashMap<>();
        Map<String, Integer> n = new LinkedHashMap<>();
        for (Map<String, Double> m : ms) {
            m.forEach((k, v) -> {
                if (!Double.isNaN(v)) {
                    sum.merge(k, v, Double::sum);
                    n.merge(k, 1, Integer::sum);
                }
            });
        }
        Map<String, Double> out = new LinkedHashMap<>();
        sum.forEach((k, v) -> out.put(k, v / n.get(k)));
        return out;
    }

    /**
     * Writes {@code OUT/report/} (a staging folder {@code OUT/.report.tmp-*}, then rename) and returns it. Writers
     * take {@code OUT/sweep/.report.lock} in turn (a sweep writes its report while {@code sweep report} may
     * run), so a staging or replaced folder found under the lock is a crashed writer's, and is removed.
     */
    public static Path write(Path out) {
        Plan plan = Plan.read(out);
        Path dir = out.resolve("report");
        OutputDirs.requireKind(dir, "report folder", OutputDirs.Kind.SWEEP_REPORT);
        try (FileLocks lock = FileLocks.exclusive(out.resolve("sweep").resolve(".report.lock"), "the report of " + out)) {
            OutputDirs.removeStaleTemps(dir);
            removeLegacyStaging(out);
            return writeLocked(out, plan, dir);
        }
    }

    /** Staging folders of builds before the report lock, {@code OUT/.tmp-report-*}: under the lock, a crashed writer's. */
    private static void removeLegacyStaging(Path out) {
        try (java.util.stream.Stream<Path> s = Files.list(out)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().matches("\\.tmp-report-\\d+")
                        && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    OutputDirs.deleteTree(p);
                }
            }
        } catch (IOException ex) {
            // removed on a later write
        }
    }

    private static Path writeLocked(Path out, Plan plan, Path dir) {
        List<TrialState> states = states(out, plan);
        List<Row> rows = rank(plan, states);
        Path tmp = null;
        try {
            tmp = StagingDirs.create(out, ".report.tmp-");
            OutputDirs.mark(tmp, OutputDirs.Kind.SWEEP_REPORT);
            String svg = ParetoSvg.render(plan, rows, states);
            Files.writeString(tmp.resolve("pareto.svg"), svg, StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("leaderboard.txt"), leaderboard(plan, rows, states), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("trials.tsv"), tsv(states), StandardCharsets.UTF_8);
            Plan.JSON.writeValue(tmp.resolve("report.json").toFile(), json(plan, rows, states));
            List<String> forgets = new ArrayList<>();
            plan.trials().forEach(t -> {
                if (!forgets.contains(t.forget())) {
                    forgets.add(t.forget());
                }
            });
            List<String> bestFiles = new ArrayList<>();
            for (String f : forgets) {
                String name = forgets.size() == 1 ? "best.yaml" : "best-" + f + ".yaml";
                String yaml = bestRecipe(plan, rows, f);
                if (yaml != null) {
                    Files.writeString(tmp.resolve(name), yaml, StandardCharsets.UTF_8);
                    bestFiles.add(name);
                }
            }
            Files.writeString(tmp.resolve("report.html"), html(plan, rows, states, svg, bestFiles), StandardCharsets.UTF_8);
            OutputDirs.requireKind(dir, "report folder", OutputDirs.Kind.SWEEP_REPORT);
            StagingDirs.swapIn(tmp, dir);
            return dir;
        } catch (IOException ex) {
            OutputDirs.deleteTree(tmp);
            throw new UncheckedIOException("cannot write the sweep report into " + dir, ex);
        } catch (RuntimeException ex) {
            OutputDirs.deleteTree(tmp);
            throw ex;
        }
    }

    /** The columns of the table: the objective's metrics, then the usual ones. */
    static List<String> columns(Plan plan) {
        List<String> c = new ArrayList<>(plan.objective().allMetrics());
        for (String k : List.of("forget_quality", "model_utility", "forget_truth_ratio", "forget_rougeL_recall", "leak")) {
            if (!c.contains(k)) {
                c.add(k);
            }
        }
        return c;
    }

    static String fmt(String metric, Double v) {
        if (v == null || v.isNaN()) {
            return "n/a";
        }
        if (metric.equals("forget_quality")) {
            return v >= 1e-3 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.2e", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.2f" : "%.4f", v);
    }

    /**
     * A reference model's metrics per forget set, in trial order (each set has its own retain model, and the
     * full model's forget quality is measured on each set); one entry keyed {@code ""} when every set agrees.
     */
    static Map<String, Map<String, Double>> references(List<TrialState> states,
            java.util.function.Function<TrialState, Map<String, Double>> role) {
        Map<String, Map<String, Double>> byForget = new LinkedHashMap<>();
        for (TrialState st : states) {
            Map<String, Double> m = role.apply(st);
            if (!m.isEmpty()) {
                byForget.putIfAbsent(st.trial().forget(), m);
            }
        }
        if (new java.util.HashSet<>(byForget.values()).size() > 1) {
            return byForget;
        }
        return byForget.isEmpty() ? Map.of() : Map.of("", byForget.values().iterator().next());
    }

    static String leaderboard(Plan plan, List<Row> rows, List<TrialState> states) {
        StringBuilder b = new StringBuilder();
        Map<String, Double> full = rows.isEmpty() ? Map.of() : rows.get(0).full();
        b.append("sweep ").append(plan.name()).append(": ").append(plan.objective().describe(full)).append('\n');
        List<String> cols = columns(plan);
        int fw = 8;
        for (Plan.Trial t : plan.trials()) {
            fw = Math.max(fw, t.forget().length());
        }
        String head = "%4s %-3s %-12s %-" + fw + "s";
        b.append(String.format(Locale.ROOT, head, "rank", "ok", "run", "forget"));
        for (String c : cols) {
            b.append(String.format(Locale.ROOT, " %14s", c.length() > 14 ? c.substring(0, 14) : c));
        }
        b.append("  seeds  settings\n");
        // the reference models of each forget set (each set has its own retain model); one row where all agree
        for (String role : List.of("full", "retain")) {
            for (Map.Entry<String, Map<String, Double>> e : references(states,
                    role.equals("full") ? TrialState::full : TrialState::retain).entrySet()) {
                b.append(String.format(Locale.ROOT, head, "-", "", role, e.getKey()));
                for (String c : cols) {
                    b.append(String.format(Locale.ROOT, " %14s", fmt(c, e.getValue().get(c))));
                }
                b.append("  (reference model)\n");
            }
        }
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, head, r.rank(), r.feasible() ? "yes" : "no", r.label(), r.forget()));
            for (String c : cols) {
                b.append(String.format(Locale.ROOT, " %14s", fmt(c, r.metrics().get(c))));
            }
            b.append(String.format(Locale.ROOT, "  %d/%d    %s%n", r.done(), r.trials().size(), r.params()));
        }
        return b.toString();
    }

    static String tsv(List<TrialState> states) {
        StringBuilder b = new StringBuilder("index\tdigest\tstate\tlabel\tmethod\tforget\tseed\tparams\tforget_quality"
                + "\tmodel_utility\twall_seconds\n");
        for (TrialState s : states) {
            Plan.Trial t = s.trial();
            b.append(t.index()).append('\t').append(t.digest()).append('\t').append(s.state().name().toLowerCase(Locale.ROOT))
                    .append('\t').append(t.label()).append('\t').append(t.method()).append('\t').append(t.forget()).append('\t')
                    .append(t.seed()).append('\t').append(t.params()).append('\t')
                    .append(fmt("x", s.metrics().get("forget_quality"))).append('\t')
                    .append(fmt("x", s.metrics().get("model_utility"))).append('\t')
                    .append(Double.isNaN(s.wallSeconds()) ? "" : String.format(Locale.ROOT, "%.1f", s.wallSeconds()))
                    .append('\n');
        }
        return b.toString();
    }

    static ObjectNode json(Plan plan, List<Row> rows, List<TrialState> states) {
        ObjectNode o = Plan.JSON.createObjectNode();
        o.put("name", plan.name());
        o.put("created", Instant.now().toString());
        o.put("objective", plan.objective().describe(rows.isEmpty() ? Map.of() : rows.get(0).full()));
        Map<State, Integer> n = new LinkedHashMap<>();
        states.forEach(s -> n.merge(s.state(), 1, Integer::sum));
        ObjectNode counts = o.putObject("trials");
        for (State s : State.values()) {
            counts.put(s.name().toLowerCase(Locale.ROOT), n.getOrDefault(s, 0));
        }
        ArrayNode arr = o.putArray("settings");
        for (Row r : rows) {
            ObjectNode x = arr.addObject();
            x.put("rank", r.rank()).put("label", r.label()).put("method", r.method()).put("forget", r.forget())
                    .put("feasible", r.feasible());
            if (r.front() != null) {
                x.put("pareto_front", r.front());
            }
            x.set("params", r.params());
            x.put("trials_done", r.done());
            ObjectNode m = x.putObject("metrics");
            r.metrics().forEach(m::put);
            ArrayNode ts = x.putArray("trials");
            r.trials().forEach(t -> ts.addObject().put("index", t.trial().index()).put("digest", t.trial().digest())
                    .put("seed", t.trial().seed()).put("state", t.state().name().toLowerCase(Locale.ROOT)));
        }
        return o;
    }

    /** The base recipe with the best-ranked setting of every run label for one forget set, or null if none is done. */
    static String bestRecipe(Plan plan, List<Row> rows, String forget) throws IOException {
        Map<String, Row> best = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.forget().equals(forget) && r.done() > 0) {
                best.putIfAbsent(r.label(), r);
            }
        }
        if (best.isEmpty()) {
            return null;
        }
        ObjectNode recipe = plan.json().path("base").deepCopy();
        recipe.remove("output");
        recipe.put("name", plan.name() + "-tuned");
        Plan.Trial first = best.values().iterator().next().trials().get(0).trial();
        recipe.put("seed", first.seed());
        recipe.set("data", first.spec().get("data").deepCopy()); // the base's data with this forget set
        ArrayNode methods = recipe.putArray("methods");
        StringBuilder head = new StringBuilder();
        head.append("# Best settings per method found by 'unlearn sweep' (").append(plan.name()).append(", ").append(forget)
                .append(")\n# objective: ").append(plan.objective().describe(best.values().iterator().next().full()))
                .append("\n# run with: unlearn run best.yaml (the base recipe's data, model and evaluation)\n");
        for (Row r : best.values()) {
            methods.add(r.trials().get(0).trial().spec().path("methods").get(0).deepCopy());
            head.append(String.format(Locale.ROOT, "#   %-12s rank %3d %s forget_quality %s, model_utility %s over %d seed(s)%n",
                    r.label(), r.rank(), r.feasible() ? "(meets the constraints)" : "(MISSES the constraints)",
                    fmt("forget_quality", r.metrics().get("forget_quality")), fmt("x", r.metrics().get("model_utility")),
                    r.done()));
        }
        return head + KubernetesExecutor.YAML.writeValueAsString(recipe);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String html(Plan plan, List<Row> rows, List<TrialState> states, String svg, List<String> bestFiles) {
        Map<String, Double> full = rows.isEmpty() ? Map.of() : rows.get(0).full();
        Map<State, Integer> n = new LinkedHashMap<>();
        states.forEach(s -> n.merge(s.state(), 1, Integer::sum));
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>sweep ").append(esc(plan.name()))
                .append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f3f3f3}"
                        + "td.l{text-align:left}tr.no{color:#888}</style></head><body>");
        b.append("<h1>sweep ").append(esc(plan.name())).append("</h1>");
        b.append("<p>Objective: ").append(esc(plan.objective().describe(full))).append(".</p>");
        b.append("<p>Trials: ").append(states.size()).append(" (");
        for (State s : State.values()) {
            b.append(s == State.DONE ? "" : ", ").append(n.getOrDefault(s, 0)).append(' ').append(s.name().toLowerCase(Locale.ROOT));
        }
        b.append("). Settings are averaged over their seeds. Forget quality: KS-test p-value of forget truth ratios"
                + " against the retain model (higher is better); model utility: TOFU's harmonic mean.</p>");
        b.append("<h2>Forget quality vs model utility</h2>").append(svg);
        if (!bestFiles.isEmpty()) {
            b.append("<h2>Best settings</h2><p>Ready recipes: ");
            for (String f : bestFiles) {
                b.append("<a href=\"").append(f).append("\"><code>").append(f).append("</code></a> ");
            }
            b.append("(<code>unlearn run best.yaml</code>).</p>");
        }
        b.append("<h2>Settings, sorted by the objective</h2><table><tr><th>rank</th><th>meets constraints</th>");
        if (plan.objective().pareto()) {
            b.append("<th>front</th>");
        }
        b.append("<th>run</th><th>forget set</th>");
        List<String> cols = columns(plan);
        for (String c : cols) {
            b.append("<th>").append(esc(c)).append("</th>");
        }
        b.append("<th>seeds done</th><th>settings</th><th>trials</th></tr>");
        for (Row r : rows) {
            b.append("<tr class=\"").append(r.feasible() ? "yes" : "no").append("\"><td>").append(r.rank()).append("</td><td>")
                    .append(r.feasible() ? "yes" : "no").append("</td>");
            if (plan.objective().pareto()) {
                b.append("<td>").append(r.front() == null ? "" : r.front()).append("</td>");
            }
            b.append("<td class=\"l\">").append(esc(r.label())).append("</td><td class=\"l\">").append(esc(r.forget()))
                    .append("</td>");
            for (String c : cols) {
                b.append("<td>").append(fmt(c, r.metrics().get(c))).append("</td>");
            }
            b.append("<td>").append(r.done()).append('/').append(r.trials().size()).append("</td><td class=\"l\"><code>")
                    .append(esc(r.params().toString())).append("</code></td><td class=\"l\">");
            for (TrialState t : r.trials()) {
                b.append("<a href=\"../trials/").append(t.trial().digest()).append("/\">").append(t.trial().index())
                        .append("</a> ");
            }
            b.append("</td></tr>");
        }
        b.append("</table></body></html>\n");
        return b.toString();
    }

    private static JsonNode read(Path p) {
        try {
            return Plan.JSON.readTree(p.toFile());
        } catch (IOException ex) {
            return Plan.JSON.createObjectNode();
        }
    }

    static Map<String, Double> numbers(JsonNode n) {
        Map<String, Double> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) {
                m.put(e.getKey(), e.getValue().doubleValue());
            }
        });
        return m;
    }
}

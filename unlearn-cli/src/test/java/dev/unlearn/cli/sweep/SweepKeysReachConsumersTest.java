package dev.unlearn.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No sweep setting is silently dropped: every key a sweep file may hold, given two different valid values, gives
 * two different views of what the sweep's consumers read; or the loader refuses one of them, naming the key.
 *
 * <p>The view is what the code after the loader reads, through the plan file where that is the path (the plan is
 * written and read back, as {@code sweep trial} and {@code sweep report} read it):
 * <ul>
 *   <li>each trial's recipe, label, method, forget set, seed, setting and rung (what {@link TrialRunner} runs);
 *   <li>the plan's name and {@code keep_models} (the report's title, {@link TrialRunner}'s clean-up);
 *   <li>the ranking of a fixed set of scored trials by the plan's objective, and its one-line description
 *       ({@link SweepReport});
 *   <li>the budgets and kept settings of each halving rung ({@link Plan#promote});
 *   <li>the Slurm script and the Kubernetes manifest, as {@link SlurmExecutor#write} and
 *       {@link KubernetesExecutor#write} write them;
 *   <li>the executor kind, workers, memory per trial and devices that {@link SweepCommand} hands to
 *       {@link LocalExecutor} (the local worker count itself depends on this machine's cores and memory).
 * </ul>
 *
 * <p>The keys come from {@link SweepLoader}'s own key tables, so a key added to a table without a case here fails
 * {@link #everyKeyOfTheLoadersTablesHasACase}.
 */
class SweepKeysReachConsumersTest {
    /** SweepPlanTest's base recipe with two npo runs, so that {@code base_run} has a choice. */
    static final String RECIPE = SweepPlanTest.BASE.replace("""
              - method: npo
                train: {max_steps: 2, lr: 2.0e-3, batch_size: 4, schedule: constant}
            """, """
              - {name: npo-a, method: npo, train: {max_steps: 2, lr: 2.0e-3, batch_size: 4, schedule: constant}}
              - {name: npo-b, method: npo, train: {max_steps: 3, lr: 1.0e-3, batch_size: 2, schedule: constant}}
            """);

    /** Every section given, none at its default. */
    static final String GRID = """
            name: keys
            base: base.yaml
            output: out
            eval: {suites: [tofu], max_new_tokens: 4}
            search: {kind: grid}
            space:
              - method: npo
                config: {beta: [0.1, 0.5]}
                train: {lr: [1.0e-3, 2.0e-3]}
            forget: [forget10, {random: 25, seeds: [1]}, {worst_case: wc.jsonl, name: wc}]
            seeds: [0]
            objective:
              maximize: forget_quality
              subject_to:
                model_utility: {min_of_full: 0.9}
            executor:
              kind: local
              workers: 1
              memory_per_trial: 1g
              devices: 0
              slurm: {partition: p, time: "01:00:00", cpus_per_task: 2, mem: 4g, gpus_per_task: 1, account: a, qos: q,
                      max_parallel: 4, extra_args: ["--exclusive"], command: [unlearn]}
              kubernetes: {image: img, namespace: ns, volume_claim: pvc, mount_path: /data, cpu: "2", memory: 4Gi,
                           gpus: 1, parallelism: 2, backoff_limit: 1, command: [unlearn], service_account: sa}
            keep_models: false
            """;

    /** Random search with halving and distributions. */
    static final String RANDOM = """
            base: base.yaml
            search: {kind: random, trials: 3, seed: 1, halving: {key: max_steps, min: 1, max: 4, eta: 2}}
            space:
              - method: npo
                config: {beta: {uniform: [0.1, 0.5]}}
                train: {lr: {log_uniform: [1.0e-4, 1.0e-2]}, batch_size: {int_uniform: [1, 8]}}
            objective: {maximize: forget_quality}
            """;

    /** Sections: keys whose value is a mapping or list of the keys below them. */
    static final Set<String> SECTIONS = Set.of("search", "space", "forget", "objective", "executor", "search.halving",
            "objective.subject_to", "executor.slurm", "executor.kubernetes");

    /** Keys that say where the sweep goes, not what it computes. */
    static final Map<String, String> NOT_OBSERVED = Map.of("output", "the output folder itself");

    /**
     * One key and two values for it.
     *
     * @param key the key as the loader's tables name it ({@code executor.slurm.qos}, {@code space[].name})
     * @param file {@link #GRID} or {@link #RANDOM}
     * @param path where to put the values ({@code space.0.config.beta}; a number is a list index)
     * @param a one value, as YAML
     * @param b another value, as YAML
     * @param refused whether the loader refuses {@code b} (a key that does not apply there), not reads it
     */
    record Case(String key, String file, String path, String a, String b, boolean refused) {
        Case(String key, String file, String path, String a, String b) {
            this(key, file, path, a, b, false);
        }

        static Case grid(String key, String a, String b) {
            return new Case(key, GRID, key.replace("[]", ".0"), a, b);
        }
    }

    static final String MAX_FQ = "{maximize: forget_quality}";

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(Case.grid("name", "keys", "other"));
        c.add(Case.grid("base", "base.yaml", "base2.yaml"));
        c.add(Case.grid("eval", "{suites: [tofu], max_new_tokens: 4}", "{suites: [tofu], max_new_tokens: 8}"));
        c.add(new Case("search.kind", GRID, "search", "{kind: grid}", "{kind: random, trials: 4}"));
        c.add(new Case("search.trials", RANDOM, "search.trials", "3", "2"));
        c.add(new Case("search.seed", RANDOM, "search.seed", "1", "2"));
        c.add(new Case("search.seed", GRID, "search", "{kind: grid}", "{kind: grid, seed: 3}", true));
        c.add(new Case("search.halving.key", RANDOM, "search.halving.key", "max_steps", "epochs"));
        c.add(new Case("search.halving.min", RANDOM, "search.halving.min", "1", "2"));
        c.add(new Case("search.halving.max", RANDOM, "search.halving.max", "4", "8"));
        c.add(new Case("search.halving.eta", RANDOM, "search.halving.eta", "2", "3"));
        c.add(Case.grid("space[].method", "npo", "simnpo"));
        c.add(Case.grid("space[].name", "x", "y"));
        c.add(Case.grid("space[].base_run", "npo-a", "npo-b"));
        c.add(new Case("space[].config", GRID, "space.0.config.beta", "[0.1, 0.5]", "[0.2, 0.5]"));
        c.add(new Case("space[].train", GRID, "space.0.train.lr", "[1.0e-3, 2.0e-3]", "[1.0e-3, 3.0e-3]"));
        c.add(new Case("space[].SECTION.KEY.uniform", RANDOM, "space.0.config.beta.uniform", "[0.1, 0.5]", "[0.1, 0.9]"));
        c.add(new Case("space[].SECTION.KEY.log_uniform", RANDOM, "space.0.train.lr.log_uniform", "[1.0e-4, 1.0e-2]",
                "[1.0e-4, 1.0e-3]"));
        c.add(new Case("space[].SECTION.KEY.int_uniform", RANDOM, "space.0.train.batch_size.int_uniform", "[1, 8]",
                "[1, 16]"));
        c.add(new Case("forget.split", GRID, "forget.0", "forget10", "forget05"));
        c.add(new Case("forget.random", GRID, "forget.1.random", "25", "50"));
        c.add(new Case("forget.seeds", GRID, "forget.1.seeds", "[1]", "[2]"));
        c.add(new Case("forget.seed", GRID, "forget.1", "{random: 25, seed: 1}", "{random: 25, seed: 2}"));
        c.add(new Case("forget.worst_case", GRID, "forget.2.worst_case", "wc.jsonl", "wc2.jsonl"));
        c.add(new Case("forget.name", GRID, "forget.2.name", "wc", "wc9"));
        c.add(Case.grid("seeds", "[0]", "[1]"));
        c.add(Case.grid("objective.maximize", "forget_quality", "model_utility"));
        c.add(new Case("objective.minimize", GRID, "objective", MAX_FQ, "{minimize: forget_quality}"));
        c.add(new Case("objective.pareto", GRID, "objective", "{pareto: {maximize: [forget_quality, model_utility]}}",
                "{pareto: {maximize: [forget_quality], minimize: [model_utility]}}"));
        for (String bound : SweepLoader.CONSTRAINT) {
            c.add(new Case("objective.subject_to.METRIC." + bound, GRID, "objective.subject_to.model_utility",
                    "{" + bound + ": 0.3}", "{" + bound + ": 0.7}"));
        }
        // the bound's kind, not only its number, reaches the ranking
        for (String[] ab : List.of(new String[] {"min", "max"}, new String[] {"min", "min_of_full"},
                new String[] {"max", "max_of_full"})) {
            c.add(new Case("objective.subject_to.METRIC." + ab[1], GRID, "objective.subject_to.model_utility",
                    "{" + ab[0] + ": 0.5}", "{" + ab[1] + ": 0.5}"));
        }
        c.add(Case.grid("executor.kind", "local", "slurm"));
        c.add(Case.grid("executor.workers", "1", "2"));
        c.add(Case.grid("executor.memory_per_trial", "1g", "2g"));
        c.add(Case.grid("executor.devices", "0", "1"));
        c.add(Case.grid("executor.slurm.partition", "p", "p2"));
        c.add(Case.grid("executor.slurm.time", "\"01:00:00\"", "\"02:00:00\""));
        c.add(Case.grid("executor.slurm.cpus_per_task", "2", "3"));
        c.add(Case.grid("executor.slurm.mem", "4g", "8g"));
        c.add(Case.grid("executor.slurm.gpus_per_task", "1", "2"));
        c.add(Case.grid("executor.slurm.account", "a", "a2"));
        c.add(Case.grid("executor.slurm.qos", "q", "q2"));
        c.add(Case.grid("executor.slurm.max_parallel", "4", "5"));
        c.add(Case.grid("executor.slurm.extra_args", "[\"--exclusive\"]", "[\"--nice=5\"]"));
        c.add(Case.grid("executor.slurm.command", "[unlearn]", "[/opt/unlearn/bin/unlearn]"));
        c.add(Case.grid("executor.kubernetes.image", "img", "img2"));
        c.add(Case.grid("executor.kubernetes.namespace", "ns", "ns2"));
        c.add(Case.grid("executor.kubernetes.volume_claim", "pvc", "pvc2"));
        c.add(Case.grid("executor.kubernetes.mount_path", "/data", "/data2"));
        c.add(Case.grid("executor.kubernetes.cpu", "\"2\"", "\"3\""));
        c.add(Case.grid("executor.kubernetes.cpu", "\"2\"", "4")); // a quantity may be a plain number
        c.add(Case.grid("executor.kubernetes.memory", "4Gi", "8589934592"));
        c.add(Case.grid("executor.kubernetes.memory", "4Gi", "8Gi"));
        c.add(Case.grid("executor.kubernetes.gpus", "1", "2"));
        c.add(Case.grid("executor.kubernetes.parallelism", "2", "3"));
        c.add(Case.grid("executor.kubernetes.backoff_limit", "1", "2"));
        c.add(Case.grid("executor.kubernetes.command", "[unlearn]", "[/opt/unlearn/bin/unlearn]"));
        c.add(Case.grid("executor.kubernetes.service_account", "sa", "sa2"));
        c.add(Case.grid("keep_models", "false", "true"));
        return c;
    }

    @TempDir Path dir;

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("base.yaml"), RECIPE);
        Files.writeString(dir.resolve("base2.yaml"), RECIPE.replace("epochs: 2, lr: 3.0e-3", "epochs: 3, lr: 3.0e-3"));
        String row = "{\"question\": \"q\", \"answer\": \"a\", \"author\": \"x\"}\n";
        Files.writeString(dir.resolve("wc.jsonl"), row);
        Files.writeString(dir.resolve("wc2.jsonl"), row + row.replace("\"q\"", "\"q2\""));
    }

    @Test
    void everyKeyOfTheLoadersTablesHasACase() {
        Map<String, Set<String>> tables = new LinkedHashMap<>();
        tables.put("", SweepLoader.TOP);
        tables.put("search.", SweepLoader.SEARCH);
        tables.put("search.halving.", SweepLoader.HALVING);
        tables.put("space[].", SweepLoader.BLOCK);
        tables.put("space[].SECTION.KEY.", SweepLoader.DISTRIBUTIONS);
        tables.put("objective.", SweepLoader.OBJECTIVE);
        tables.put("objective.subject_to.METRIC.", SweepLoader.CONSTRAINT);
        tables.put("executor.", SweepLoader.EXECUTOR);
        tables.put("executor.slurm.", SweepLoader.SLURM);
        tables.put("executor.kubernetes.", SweepLoader.KUBERNETES);
        Set<String> forgetSets = new java.util.LinkedHashSet<>(SweepLoader.RANDOM_SET); // a forget list's mappings
        forgetSets.addAll(SweepLoader.WORST_CASE_SET);
        tables.put("forget.", forgetSets);
        Set<String> covered = new TreeSet<>();
        cases().forEach(c -> covered.add(c.key()));
        List<String> missing = new ArrayList<>();
        tables.forEach((prefix, keys) -> keys.forEach(k -> {
            String key = prefix + k;
            if (!SECTIONS.contains(key) && !NOT_OBSERVED.containsKey(key) && !covered.contains(key)) {
                missing.add(key);
            }
        }));
        assertEquals(List.of(), missing, "keys of SweepLoader's tables with no case in cases()");
    }

    @Test
    void everySweepKeyChangesWhatItsConsumersRead() throws Exception {
        List<String> dropped = new ArrayList<>();
        int n = 0;
        for (Case c : cases()) {
            Map<String, String> a = view(sweep(c, c.a(), "a-" + n));
            if (c.refused()) {
                try {
                    view(sweep(c, c.b(), "b-" + n));
                    dropped.add(c.key() + " = " + c.b() + " in " + name(c) + ": loaded, but it does not apply there");
                } catch (InvalidInputException ex) {
                    assertTrue(ex.getMessage().contains(c.key()), c.key() + ": the message names the key: " + ex.getMessage());
                }
            } else {
                Map<String, String> b = view(sweep(c, c.b(), "b-" + n));
                if (a.equals(b)) {
                    dropped.add(c.key() + ": " + c.a() + " and " + c.b() + " give the same trials, ranking, executor"
                            + " files and settings (" + name(c) + ")");
                }
            }
            n++;
        }
        assertEquals(List.of(), dropped, "sweep keys that no consumer reads");
    }

    /** Both base files load as written, with the trials their grid and their draws give. */
    @Test
    void theTwoBaseFilesLoad() throws Exception {
        Files.writeString(dir.resolve("g.yaml"), GRID);
        Files.writeString(dir.resolve("r.yaml"), RANDOM);
        assertTrue(RECIPE.contains("name: npo-b"), "the base recipe has its second npo run");
        assertEquals(2 * 2 * 3, Plan.expand(SweepLoader.load(dir.resolve("g.yaml"))).trials().size());
        assertEquals(3, Plan.expand(SweepLoader.load(dir.resolve("r.yaml"))).trials().size());
    }

    static String name(Case c) {
        return c.file() == GRID ? "the grid sweep" : "the random sweep";
    }

    /** The case's sweep file with {@code value} at its path, written as {@code file.yaml}. */
    Path sweep(Case c, String value, String file) throws Exception {
        ObjectNode root = (ObjectNode) SweepLoader.YAML.readTree(c.file());
        String[] parts = c.path().split("\\.");
        JsonNode parent = root;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parts[i].matches("\\d+") ? parent.get(Integer.parseInt(parts[i])) : parent.get(parts[i]);
        }
        JsonNode v = SweepLoader.YAML.readTree(value);
        String last = parts[parts.length - 1];
        if (last.matches("\\d+")) {
            ((ArrayNode) parent).set(Integer.parseInt(last), v);
        } else {
            ((ObjectNode) parent).set(last, v);
        }
        Path p = dir.resolve(file + ".yaml");
        SweepLoader.YAML.writeValue(p.toFile(), root);
        return p;
    }

    /** What the consumers of a sweep read (see the class comment). */
    Map<String, String> view(Path file) throws Exception {
        Sweep s = SweepLoader.load(file);
        Path out = dir.resolve("plan"); // one folder for every view: the Slurm script names it
        Plan.expand(s).write(out);
        Plan plan = Plan.read(out);
        Map<String, String> v = new TreeMap<>();
        StringBuilder trials = new StringBuilder();
        for (Plan.Trial t : plan.trials()) {
            trials.append(t.label()).append(' ').append(t.method()).append(' ').append(t.forget()).append(' ')
                    .append(t.seed()).append(' ').append(t.setting()).append(' ').append(t.rung()).append(' ')
                    .append(Plan.recipe(t.spec(), "trial")).append('\n');
        }
        v.put("trials", trials.toString());
        v.put("name", plan.name());
        v.put("keep_models", plan.json().path("keep_models").toString());
        v.put("ranking", ranking(plan.objective()));
        Sweep.Halving h = s.search().halving();
        if (h != null) {
            v.put("rungs", IntStream.range(0, h.budgets().size())
                    .mapToObj(r -> h.budgets().get(r) + ":" + h.keep(10, r)).toList().toString());
        }
        Sweep.ExecutorSpec e = s.executor();
        v.put("executor", e.kind() + " " + e.workers() + " " + e.memoryPerTrialMb() + " " + e.devices());
        v.put("slurm", Files.readString(SlurmExecutor.write(out, plan, List.of(0), e.slurm(), e.memoryPerTrialMb())));
        if (e.kubernetes().has("image")) {
            v.put("kubernetes", Files.readString(KubernetesExecutor.write(out, plan, e.kubernetes(), e.memoryPerTrialMb())));
        }
        return v;
    }

    /** The objective's order, feasibility and fronts over twelve seeded trials scored on every metric. */
    static String ranking(Objective o) {
        Random rnd = new Random(7);
        Map<String, Double> full = new TreeMap<>();
        SweepLoader.METRICS.forEach(m -> full.put(m, 0.8));
        List<Objective.Scored> scored = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Map<String, Double> m = new TreeMap<>();
            for (String k : SweepLoader.METRICS) {
                m.put(k, rnd.nextDouble());
            }
            scored.add(new Objective.Scored(i, m, true, full));
        }
        Objective.Ranking r = o.rank(scored);
        return r.order().stream().map(Objective.Scored::index).toList() + " " + new TreeMap<>(r.feasible()) + " "
                + new TreeMap<>(r.front()) + " " + o.describe(full);
    }
}

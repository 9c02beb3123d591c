package dev.unlearn.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.pipeline.StageRunner;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The trials of a sweep, in a fixed order (setting, then forget set, then seed), stored as
 * {@code OUT/sweep/plan.json} so that the trial command, {@code sweep status} and {@code sweep report}
 * need only the output folder.
 *
 * <p>A trial's <em>spec</em> is the one-method recipe it runs (the base recipe with the trial's seed,
 * forget set, evaluation and method run; paths absolute; no name or output), and its <em>digest</em>
 * is the SHA-256 of the spec's canonical JSON (keys sorted, compact): the same spec gives the same
 * digest in every process and on every machine.
 *
 * <p>With successive halving the plan grows rung by rung ({@link #promote}): rung 0 is every setting at
 * the first budget, and each later rung is appended once the one before has finished.
 */
public final class Plan {
    /** The plan file, relative to the output folder. */
    public static final String FILE = "sweep/plan.json";
    /** Bumped when the meaning of a spec changes (it is part of every digest). */
    public static final int FORMAT = 1;

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One trial.
     *
     * @param index its position in the plan (the array index of the Slurm job, the completion index of the Kubernetes Job)
     * @param digest SHA-256 of the spec's canonical JSON; the trial's folder is {@code trials/DIGEST}
     * @param spec the one-method recipe
     * @param label the run's name (block name or method)
     * @param method registered method name
     * @param forget the forget set's label ({@link Sweep.ForgetSet#label})
     * @param seed the recipe seed
     * @param params the keys the sweep varied, to their values here
     * @param setting digest of the setting without forget set and seed (groups a setting's trials)
     * @param rung the successive-halving rung (0 without halving)
     */
    public record Trial(int index, String digest, ObjectNode spec, String label, String method, String forget, long seed,
            ObjectNode params, String setting, int rung) {
        /** The key of the shared full and retain models of this trial: the digest of its spec without the method run. */
        public String baseKey() {
            return Plan.digest(baseSpec(spec)).substring(0, 16);
        }
    }

    private final String name;
    private final Objective objective;
    private final List<Trial> trials;
    private final ObjectNode json;

    private Plan(String name, Objective objective, List<Trial> trials, ObjectNode json) {
        this.name = name;
        this.objective = objective;
        this.trials = trials;
        this.json = json;
    }

    public String name() {
        return name;
    }

    public Objective objective() {
        return objective;
    }

    public List<Trial> trials() {
        return trials;
    }

    /** The plan file's tree (name, objective, executor, base recipe, trials). */
    public ObjectNode json() {
        return json;
    }

    /** SHA-256 of a tree's canonical JSON (the stage runner's canonical form). */
    public static String digest(JsonNode spec) {
        return StageRunner.digest(spec);
    }

    /** A spec without its method run: what the full and retain models depend on. */
    static ObjectNode baseSpec(ObjectNode spec) {
        ObjectNode b = spec.deepCopy();
        b.remove("methods");
        return b;
    }

    /** One setting: a block with a value for each key. */
    record Setting(Sweep.Block block, ObjectNode run, ObjectNode params) {}

    /** Expands a sweep into its plan; every trial's recipe is validated as {@code unlearn run} would. */
    public static Plan expand(Sweep s) {
        List<Setting> settings = s.search().random() ? random(s) : grid(s);
        Sweep.Halving h = s.search().halving();
        if (h != null) {
            settings = settings.stream().map(st -> withBudget(st, h.key(), h.budgets().get(0))).toList();
        }
        List<Trial> trials = new ArrayList<>();
        addTrials(s, settings, 0, trials);
        return new Plan(s.name(), s.objective(), trials, json(s, trials));
    }

    /** Appends the trials of {@code settings} (each forget set and seed) to {@code trials}. */
    private static void addTrials(Sweep s, List<Setting> settings, int rung, List<Trial> trials) {
        Set<String> digests = new LinkedHashSet<>();
        trials.forEach(t -> digests.add(t.digest()));
        Set<String> checked = new java.util.HashSet<>();
        for (Setting st : settings) {
            String settingDigest = digest(st.run()).substring(0, 16);
            for (Sweep.ForgetSet fs : s.forget()) {
                String forget = fs.label();
                for (long seed : s.seeds()) {
                    ObjectNode spec = spec(s, st.run(), fs, seed);
                    String d = digest(spec);
                    if (!digests.add(d)) {
                        continue; // two blocks (or draws) that give the same run: one trial
                    }
                    if (checked.add(st.block().at() + "|" + forget + "|" + seed) || s.search().random()) {
                        validate(s, st, spec);
                    }
                    trials.add(new Trial(trials.size(), d, spec, st.block().label(), st.block().method(), forget, seed,
                            st.params(), settingDigest, rung));
                }
            }
        }
    }

    private static ObjectNode json(Sweep s, List<Trial> trials) {
        ObjectNode json = JSON.createObjectNode();
        json.put("format", FORMAT);
        json.put("name", s.name());
        json.put("sweep_file", s.file().toString());
        json.put("base_recipe", s.baseRecipe().toString());
        json.set("base", s.base());
        json.set("objective", s.objective().toJson());
        json.put("search", s.search().kind());
        if (s.search().halving() != null) {
            Sweep.Halving h = s.search().halving();
            ObjectNode hj = json.putObject("halving");
            hj.put("key", h.key()).put("eta", h.eta());
            h.budgets().forEach(hj.putArray("budgets")::add);
        }
        json.put("keep_models", s.keepModels());
        ObjectNode ex = json.putObject("executor");
        ex.put("kind", s.executor().kind()).put("workers", s.executor().workers())
                .put("memory_per_trial_mb", s.executor().memoryPerTrialMb()).put("devices", s.executor().devices());
        ex.set("slurm", s.executor().slurm());
        ex.set("kubernetes", s.executor().kubernetes());
        ArrayNode arr = json.putArray("trials");
        for (Trial t : trials) {
            ObjectNode o = arr.addObject();
            o.put("index", t.index()).put("digest", t.digest()).put("label", t.label()).put("method", t.method())
                    .put("forget", t.forget()).put("seed", t.seed()).put("setting", t.setting()).put("rung", t.rung());
            o.set("params", t.params());
            o.set("spec", t.spec());
        }
        return json;
    }

    /** A setting with its training budget set to {@code budget} (and listed among the varied keys). */
    static Setting withBudget(Setting st, String key, int budget) {
        ObjectNode run = st.run().deepCopy();
        ObjectNode train = run.has("train") ? (ObjectNode) run.get("train") : run.putObject("train");
        train.put(key, budget);
        ObjectNode params = st.params().deepCopy();
        params.put("train." + key, budget);
        return new Setting(st.block(), run, params);
    }

    /**
     * Successive halving: once every trial of the last rung has finished, appends the next rung (the best
     * {@code 1/eta} of its settings, ranked by the objective over all their forget sets and seeds, with
     * the budget multiplied by {@code eta}). The result depends only on the finished trials, so a rerun
     * plans the same rungs.
     *
     * @return the plan with the next rung, or this plan when the last rung is not finished or is the final one
     */
    public Plan promote(Sweep s, Path out) {
        Sweep.Halving h = s.search().halving();
        if (h == null || trials.isEmpty()) {
            return this;
        }
        int rung = trials.get(trials.size() - 1).rung();
        if (rung + 1 >= h.budgets().size()) {
            return this;
        }
        List<Trial> last = trials.stream().filter(t -> t.rung() == rung).toList();
        if (last.stream().anyMatch(t -> TrialRunner.finished(out, t) == null)) {
            return this;
        }
        Plan sub = new Plan(name, objective, last, json);
        List<SweepReport.Row> rows = SweepReport.rank(sub, SweepReport.states(out, sub));
        int first = (int) trials.stream().filter(t -> t.rung() == 0).map(Trial::setting).distinct().count();
        int keep = h.keep(first, rung + 1);
        Map<String, Setting> promoted = new LinkedHashMap<>();
        Map<String, Sweep.Block> blocks = new LinkedHashMap<>();
        s.space().forEach(b -> blocks.put(b.label() + "|" + b.method(), b));
        for (SweepReport.Row r : rows) {
            Trial t = r.trials().get(0).trial();
            if (promoted.size() < keep && !promoted.containsKey(t.setting())) {
                Sweep.Block b = blocks.get(t.label() + "|" + t.method());
                if (b == null) {
                    throw new InvalidInputException("the sweep file changed since rung " + rung + " was planned (no block"
                            + " '" + t.label() + "' left); plan it into a new output folder");
                }
                ObjectNode params = t.params().deepCopy();
                params.remove("train." + h.key());
                Setting st = new Setting(b, (ObjectNode) t.spec().path("methods").get(0).deepCopy(), params);
                promoted.put(t.setting(), withBudget(st, h.key(), h.budgets().get(rung + 1)));
            }
        }
        List<Trial> all = new ArrayList<>(trials);
        addTrials(s, new ArrayList<>(promoted.values()), rung + 1, all);
        return new Plan(name, objective, all, json(s, all));
    }

    /** The trial recipe: the base with this seed, forget set, eval and one method run. */
    static ObjectNode spec(Sweep s, ObjectNode run, Sweep.ForgetSet forget, long seed) {
        ObjectNode spec = s.base().deepCopy();
        spec.remove("name");
        spec.remove("output");
        spec.put("seed", seed);
        ObjectNode data = (ObjectNode) spec.get("data");
        ObjectNode src = (ObjectNode) (data.has("builtin") ? data.get("builtin") : data.get("tofu"));
        forget.apply(src);
        if (s.eval() != null) {
            spec.set("eval", s.eval().deepCopy());
        }
        spec.putArray("methods").add(run);
        spec.put("sweep_format", FORMAT);
        return spec;
    }

    /** The recipe a spec stands for (without the {@code sweep_format} key), named {@code name}. */
    public static ObjectNode recipe(ObjectNode spec, String name) {
        ObjectNode r = JSON.createObjectNode();
        r.put("name", name);
        spec.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("sweep_format")) {
                r.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return r;
    }

    private static void validate(Sweep s, Setting st, ObjectNode spec) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("unlearn-sweep-", ".yaml");
            SweepLoader.YAML.writeValue(tmp.toFile(), recipe(spec, "check"));
            RecipeLoader.load(tmp);
        } catch (InvalidInputException ex) {
            String msg = ex.getMessage().replace("recipe " + tmp + ": ", "");
            throw new InvalidInputException("sweep file " + s.file() + ": " + st.block().at() + " (" + st.block().label()
                    + " with " + st.params() + "): the trial recipe is invalid: " + msg);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    static List<Setting> grid(Sweep s) {
        List<Setting> out = new ArrayList<>();
        for (Sweep.Block b : s.space()) {
            int n = b.params().size();
            int[] idx = new int[n];
            while (true) {
                List<JsonNode> values = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    values.add(b.params().get(i).choices().get(idx[i]));
                }
                out.add(setting(b, values));
                int k = n - 1;
                while (k >= 0 && ++idx[k] == b.params().get(k).choices().size()) {
                    idx[k] = 0;
                    k--;
                }
                if (k < 0) {
                    break;
                }
            }
        }
        return out;
    }

    static List<Setting> random(Sweep s) {
        Random rnd = new Random(s.search().seed());
        List<Setting> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        long maxSettings = 0;
        for (Sweep.Block b : s.space()) {
            long n = 1;
            for (Sweep.Param p : b.params()) {
                n = p.dist() != null ? Long.MAX_VALUE / 4 : Math.min(Long.MAX_VALUE / 4, n * p.choices().size());
            }
            maxSettings = Math.min(Long.MAX_VALUE / 4, maxSettings + n);
        }
        int want = (int) Math.min(s.search().trials(), maxSettings);
        for (int attempt = 0; out.size() < want && attempt < want * 100; attempt++) {
            Sweep.Block b = s.space().get(rnd.nextInt(s.space().size()));
            List<JsonNode> values = new ArrayList<>();
            for (Sweep.Param p : b.params()) {
                values.add(draw(p, rnd));
            }
            Setting st = setting(b, values);
            if (seen.add(digest(st.run()))) {
                out.add(st);
            }
        }
        return out;
    }

    /** A value of a key: a uniform choice, or a draw from its distribution rounded to 3 significant digits. */
    static JsonNode draw(Sweep.Param p, Random rnd) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (p.dist() == null) {
            return p.choices().get(rnd.nextInt(p.choices().size()));
        }
        double u = rnd.nextDouble();
        switch (p.dist()) {
            case "int_uniform":
                return f.numberNode((long) p.lo() + (long) Math.floor(u * ((long) p.hi() - (long) p.lo() + 1)));
            case "log_uniform":
                return f.numberNode(round3(Math.exp(Math.log(p.lo()) + u * (Math.log(p.hi()) - Math.log(p.lo())))));
            default:
                return f.numberNode(round3(p.lo() + u * (p.hi() - p.lo())));
        }
    }

    private static double round3(double v) {
        return new BigDecimal(v).round(new MathContext(3)).doubleValue();
    }

    /** The method run of a block with these values: the base recipe's run, then the block's keys. */
    static Setting setting(Sweep.Block b, List<JsonNode> values) {
        ObjectNode run = JSON.createObjectNode();
        run.put("name", b.label());
        run.put("method", b.method());
        ObjectNode config = b.baseRun() != null && b.baseRun().has("config") ? (ObjectNode) b.baseRun().get("config").deepCopy()
                : JSON.createObjectNode();
        ObjectNode train = b.baseRun() != null && b.baseRun().has("train") ? (ObjectNode) b.baseRun().get("train").deepCopy()
                : JSON.createObjectNode();
        ObjectNode params = JSON.createObjectNode();
        for (int i = 0; i < values.size(); i++) {
            Sweep.Param p = b.params().get(i);
            (p.section().equals("config") ? config : train).set(p.key(), values.get(i));
            if (p.varied()) {
                params.set(p.path(), values.get(i));
            }
        }
        if (!config.isEmpty()) {
            run.set("config", config);
        }
        if (!train.isEmpty()) {
            run.set("train", train);
        }
        return new Setting(b, run, params);
    }

    // ---- the plan file ----

    /** Writes the plan into {@code out/sweep/plan.json} (temp, then rename). */
    public void write(Path out) {
        Path p = out.resolve(FILE);
        try {
            Files.createDirectories(p.getParent());
            Path tmp = Files.createTempFile(p.getParent(), ".plan-", ".tmp");
            JSON.writeValue(tmp.toFile(), json);
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + p, ex);
        }
    }

    /** Reads {@code out/sweep/plan.json}; exit 2 when {@code out} is not a sweep's output folder. */
    public static Plan read(Path out) {
        Path p = out.resolve(FILE);
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException(out + " is not a sweep output folder (no " + FILE + "); run 'unlearn sweep"
                    + " SWEEP.yaml --out " + out + "' first");
        }
        ObjectNode json;
        try {
            json = (ObjectNode) JSON.readTree(p.toFile());
        } catch (ClassCastException ex) {
            throw new InvalidInputException("cannot read " + p + ": not a JSON object", ex);
        } catch (IOException ex) {
            throw new InvalidInputException("cannot read " + p + ": " + ParseErrors.describe(ex), ex);
        }
        if (json.path("format").asInt() != FORMAT) {
            throw new InvalidInputException(p + " has plan format " + json.path("format") + "; this build reads format "
                    + FORMAT + ": plan it again with 'unlearn sweep SWEEP.yaml'");
        }
        List<Trial> trials = new ArrayList<>();
        for (JsonNode t : json.path("trials")) {
            trials.add(new Trial(t.path("index").asInt(), t.path("digest").asText(), (ObjectNode) t.get("spec"),
                    t.path("label").asText(), t.path("method").asText(), t.path("forget").asText(), t.path("seed").asLong(),
                    (ObjectNode) t.get("params"), t.path("setting").asText(), t.path("rung").asInt(0)));
        }
        return new Plan(json.path("name").asText(), Objective.fromJson(json.path("objective")), trials, json);
    }

    /** The trial at {@code index}; exit 2 naming the valid range otherwise. */
    public Trial trial(int index) {
        if (index < 0 || index >= trials.size()) {
            throw new InvalidInputException("trial index " + index + " is out of range: the plan has " + trials.size()
                    + " trials (0.." + (trials.size() - 1) + ")");
        }
        return trials.get(index);
    }

    /** Labels of the trials' runs, in plan order, without repeats. */
    public List<String> labels() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        trials.forEach(t -> m.put(t.label(), true));
        return new ArrayList<>(m.keySet());
    }
}

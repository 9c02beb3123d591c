package dev.unlearn.cli.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.unlearn.cli.Texts;
import dev.unlearn.cli.pipeline.RunPipeline;
import dev.unlearn.cli.pipeline.RunReport;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and validates a sweep file. Every error is exit 2 and names the file and the key path
 * ({@code space[1].train.lr}); unknown keys list the valid ones. The format is documented in
 * {@code recipes/README.md#sweeps}.
 */
public final class SweepLoader {
    /** Duplicate keys and trailing documents refused. */
    static final ObjectMapper YAML = dev.unlearn.cli.requests.PolicySet.strict(new ObjectMapper(new YAMLFactory()));

    static final Set<String> TOP = keys("name", "base", "output", "eval", "search", "space", "forget", "seeds", "objective",
            "executor", "keep_models");
    static final Set<String> BLOCK = keys("method", "name", "base_run", "config", "train");
    static final Set<String> SEARCH = keys("kind", "trials", "seed", "halving");
    static final Set<String> HALVING = keys("key", "min", "max", "eta");
    static final Set<String> OBJECTIVE = keys("maximize", "minimize", "pareto", "subject_to");
    static final Set<String> CONSTRAINT = keys("min", "max", "min_of_full", "max_of_full");
    static final Set<String> EXECUTOR = keys("kind", "workers", "memory_per_trial", "devices", "slurm", "kubernetes");
    static final Set<String> SLURM = keys("partition", "time", "cpus_per_task", "mem", "gpus_per_task", "account", "qos",
            "max_parallel", "extra_args", "command");
    static final Set<String> KUBERNETES = keys("image", "namespace", "volume_claim", "mount_path", "cpu", "memory", "gpus",
            "parallelism", "backoff_limit", "command", "service_account");
    static final Set<String> DISTRIBUTIONS = keys("uniform", "log_uniform", "int_uniform");
    static final Set<String> RANDOM_SET = keys("random", "seed", "seeds");
    static final Set<String> WORST_CASE_SET = keys("worst_case", "name");
    /** Metrics an objective may name: the report's columns (TOFU and MUSE). */
    static final Set<String> METRICS = new TreeSet<>();

    static {
        METRICS.addAll(RunReport.COLUMNS);
        METRICS.addAll(RunReport.MUSE_COLUMNS);
    }

    private SweepLoader() {}

    private static Set<String> keys(String... k) {
        return new LinkedHashSet<>(List.of(k));
    }

    /** Reads, validates and resolves a sweep file (its base recipe included). */
    public static Sweep load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("sweep file " + file + " does not exist");
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JsonProcessingException ex) {
            throw new InvalidInputException("sweep file " + file + " is not valid YAML: "
                    + ParseErrors.describe(ex), ex);
        } catch (IOException ex) {
            throw new InvalidInputException("cannot read sweep file " + file + ": " + ex.getMessage(), ex);
        }
        try {
            return parse(file, root);
        } catch (Bad b) {
            throw new InvalidInputException("sweep file " + file + ": " + b.getMessage());
        }
    }

    /** A problem at a key path; {@link #load} adds the file. */
    static final class Bad extends RuntimeException {
        Bad(String path, String message) {
            super(path + ": " + message, null, false, false);
        }
    }

    private static Sweep parse(Path file, JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new Bad("(top level)", "the file is empty");
        }
        mapping(root, "(top level)", TOP);
        String name = text(root, "name", "name", null);
        // base recipe
        String baseRef = text(root, "base", "base", null);
        if (baseRef == null) {
            throw new Bad("base", "required: the base recipe (a path relative to this file), e.g. base: demo.yaml");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path baseFile = dir.resolve(baseRef).normalize();
        if (!Files.isRegularFile(baseFile)) {
            throw new Bad("base", "recipe " + baseFile + " does not exist");
        }
        Recipe recipe;
        ObjectNode base;
        try {
            recipe = RecipeLoader.load(baseFile);
            base = (ObjectNode) YAML.readTree(baseFile.toFile());
        } catch (InvalidInputException ex) {
            throw new Bad("base", ex.getMessage());
        } catch (IOException | ClassCastException ex) {
            throw new Bad("base", "cannot read " + baseFile + ": " + ex.getMessage());
        }
        if (recipe.data().muse() != null) {
            throw new Bad("base", "recipe " + baseFile + " uses data.muse; sweeps rank TOFU-style QA runs"
                    + " (data.builtin or data.tofu)");
        }
        absolutize(base, baseFile.getParent());
        // eval override
        ObjectNode eval = null;
        if (root.has("eval")) {
            if (!root.get("eval").isObject()) {
                throw new Bad("eval", "expected a mapping (the recipe's eval section: suites, max_new_tokens, ...)");
            }
            eval = (ObjectNode) root.get("eval");
        }
        Sweep.Search search = search(root.path("search"));
        List<Sweep.Block> space = space(root.get("space"), base, search);
        List<Sweep.ForgetSet> forget = forget(root.get("forget"), recipe, file.toAbsolutePath().getParent());
        List<Long> seeds = seeds(root.get("seeds"), recipe);
        Objective objective = objective(root.get("objective"));
        Sweep.ExecutorSpec executor = executor(root.path("executor"));
        boolean keep = false;
        if (root.has("keep_models")) {
            if (!root.get("keep_models").isBoolean()) {
                throw new Bad("keep_models", "expected true or false");
            }
            keep = root.get("keep_models").booleanValue();
        }
        String output = text(root, "output", "output", null);
        if (name == null) {
            String f = file.getFileName().toString();
            name = f.replaceFirst("\\.ya?ml$", "");
        }
        return new Sweep(file.toAbsolutePath(), name, baseFile, base, eval, search, space, forget, seeds, objective,
                executor, keep, output);
    }

    /** The base recipe's file paths made absolute, so trial recipes work from any folder. */
    static void absolutize(ObjectNode base, Path dir) {
        absolutize(base.path("model"), "checkpoint", dir);
        absolutize(base.path("model"), "retain_checkpoint", dir);
        absolutize(base.path("data").path("tofu"), "dir", dir);
        absolutize(base.path("data").path("builtin").path("forget_set"), "worst_case", dir);
        base.remove("output");
    }

    private static void absolutize(JsonNode parent, String key, Path dir) {
        if (parent instanceof ObjectNode o && o.path(key).isTextual()) {
            Path p = Path.of(o.get(key).textValue());
            if (!p.isAbsolute()) {
                o.put(key, dir.resolve(p).normalize().toString());
            }
        }
    }

    private static Sweep.Search search(JsonNode s) {
        if (s.isMissingNode()) {
            return new Sweep.Search("grid", 0, 0, null);
        }
        mapping(s, "search", SEARCH);
        String kind = text(s, "kind", "search.kind", "grid");
        if (!kind.equals("grid") && !kind.equals("random")) {
            throw new Bad("search.kind", "unknown '" + kind + "'; valid: grid, random");
        }
        int trials = (int) integer(s, "trials", "search.trials", 0, 1, 100_000);
        if (kind.equals("random") && trials == 0) {
            throw new Bad("search.trials", "required for random search: how many settings to draw");
        }
        if (kind.equals("grid") && s.has("trials")) {
            throw new Bad("search.trials", "only for random search (a grid tries every combination)");
        }
        if (kind.equals("grid") && s.has("seed")) {
            throw new Bad("search.seed", "only for random search (the seed of its draws); a grid draws nothing");
        }
        long seed = integer(s, "seed", "search.seed", 0, 0, Long.MAX_VALUE);
        Sweep.Halving halving = null;
        if (s.has("halving")) {
            JsonNode h = s.get("halving");
            mapping(h, "search.halving", HALVING);
            String key = text(h, "key", "search.halving.key", "max_steps");
            if (!key.equals("max_steps") && !key.equals("epochs")) {
                throw new Bad("search.halving.key", "the budget is max_steps or epochs, found '" + key + "'");
            }
            if (!h.has("min") || !h.has("max")) {
                throw new Bad("search.halving", "needs min and max: the first and the last rung's " + key);
            }
            int min = (int) integer(h, "min", "search.halving.min", 0, 1, 1_000_000);
            int max = (int) integer(h, "max", "search.halving.max", 0, 1, 1_000_000);
            int eta = (int) integer(h, "eta", "search.halving.eta", 2, 2, 100);
            if (max <= min) {
                throw new Bad("search.halving.max", "must be above min (" + min + "), found " + max);
            }
            halving = new Sweep.Halving(key, min, max, eta);
        }
        return new Sweep.Search(kind, trials, seed, halving);
    }

    private static List<Sweep.Block> space(JsonNode sp, ObjectNode base, Sweep.Search search) {
        if (sp == null || !sp.isArray() || sp.isEmpty()) {
            throw new Bad("space", "required: a list of blocks, each a method and the keys to vary"
                    + " (e.g. - method: npo\\n    train: {lr: [1.0e-3, 2.0e-3]})");
        }
        List<Sweep.Block> out = new ArrayList<>();
        for (int i = 0; i < sp.size(); i++) {
            String at = "space[" + i + "]";
            JsonNode b = sp.get(i);
            mapping(b, at, BLOCK);
            String method = text(b, "method", at + ".method", null);
            if (method == null) {
                throw new Bad(at + ".method", "required; registered methods: " + Methods.names());
            }
            UnlearningMethod<?> m;
            try {
                m = Methods.byName(method);
            } catch (InvalidInputException ex) {
                throw new Bad(at + ".method", ex.getMessage());
            }
            if (m.kind() == MethodKind.GENERATION_TIME) {
                throw new Bad(at + ".method", "'" + method + "' works at generation time and leaves the weights unchanged;"
                        + " a sweep searches loss-based methods and direct edits");
            }
            String label = text(b, "name", at + ".name", m.name());
            if (!Texts.isPathSegment(label)) {
                throw new Bad(at + ".name", "'" + Texts.printable(label) + "' must be "
                        + Texts.PATH_SEGMENT_RULE + " (it names the trials' folders)");
            }
            JsonNode baseRun = baseRun(base, b, at, m.name(), label);
            List<Sweep.Param> params = new ArrayList<>();
            for (String section : List.of("config", "train")) {
                JsonNode sec = b.get(section);
                if (sec == null) {
                    continue;
                }
                if (!sec.isObject()) {
                    throw new Bad(at + "." + section, "expected a mapping of keys to a value or a list of values");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = sec.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (search.halving() != null && section.equals("train") && e.getKey().equals(search.halving().key())) {
                        throw new Bad(at + ".train." + e.getKey(), "set by search.halving (the budget grows rung by rung);"
                                + " remove it here");
                    }
                    Sweep.Param p = param(section, e.getKey(), e.getValue(), at + "." + section + "." + e.getKey(), search);
                    check(m, baseRun, p, at);
                    params.add(p);
                }
            }
            if (m.kind() == MethodKind.DIRECT_EDIT && search.halving() != null) {
                throw new Bad(at + ".method", "'" + m.name() + "' edits weights directly and has no training budget to"
                        + " grow; a halving search needs methods that train");
            }
            if (m.kind() == MethodKind.DIRECT_EDIT) {
                for (Sweep.Param p : params) {
                    if (p.section().equals("train") && !dev.unlearn.cli.TrainingOptions.DIRECT_EDIT_KEYS.contains(p.key())) {
                        throw new Bad(at + ".train." + p.key(), "method '" + m.name() + "' edits weights directly and does"
                                + " not train; it uses only " + new TreeSet<>(dev.unlearn.cli.TrainingOptions.DIRECT_EDIT_KEYS));
                    }
                }
            }
            out.add(new Sweep.Block(at, m.name(), label, baseRun, params));
        }
        return out;
    }

    /** The base recipe's run a block starts from: {@code base_run}, else the run labelled like the block, else the first with its method. */
    private static JsonNode baseRun(ObjectNode base, JsonNode b, String at, String method, String label) {
        JsonNode runs = base.path("methods");
        String want = text(b, "base_run", at + ".base_run", null);
        List<String> labels = new ArrayList<>();
        for (JsonNode r : runs) {
            labels.add(r.path("name").asText(r.path("method").asText()));
        }
        if (want != null) {
            int k = labels.indexOf(want);
            if (k < 0) {
                throw new Bad(at + ".base_run", "the base recipe has no run '" + want + "'; its runs: " + labels);
            }
            if (!runs.get(k).path("method").asText().equals(method)) {
                throw new Bad(at + ".base_run", "run '" + want + "' of the base recipe is method '"
                        + runs.get(k).path("method").asText() + "', not '" + method + "'");
            }
            return runs.get(k);
        }
        int k = labels.indexOf(label);
        if (k >= 0 && runs.get(k).path("method").asText().equals(method)) {
            return runs.get(k);
        }
        for (JsonNode r : runs) {
            if (r.path("method").asText().equals(method)) {
                return r;
            }
        }
        return null;
    }

    private static Sweep.Param param(String section, String key, JsonNode v, String at, Sweep.Search search) {
        if (v.isNull()) {
            throw new Bad(at, "no value; give one or a list of them, or leave the key out");
        }
        if (v.isArray()) {
            if (v.isEmpty()) {
                throw new Bad(at, "an empty list: give at least one value");
            }
            List<JsonNode> choices = new ArrayList<>();
            Set<JsonNode> seen = new java.util.HashSet<>();
            for (int i = 0; i < v.size(); i++) {
                if (v.get(i).isNull()) { // a trial would take the key's default in its place, silently
                    throw new Bad(at + "[" + i + "]", "no value (null); every value of the list is one a trial runs with");
                }
                if (!seen.add(v.get(i))) {
                    throw new Bad(at + "[" + i + "]", "the value " + v.get(i) + " is listed twice");
                }
                choices.add(v.get(i));
            }
            return new Sweep.Param(section, key, choices, null, 0, 0);
        }
        if (v.isObject() && v.size() == 1 && v.has("value")) {
            return new Sweep.Param(section, key, List.of(v.get("value")), null, 0, 0);
        }
        if (v.isObject() && v.size() == 1 && DISTRIBUTIONS.contains(v.fieldNames().next())) {
            String dist = v.fieldNames().next();
            JsonNode r = v.get(dist);
            if (!r.isArray() || r.size() != 2 || !r.get(0).isNumber() || !r.get(1).isNumber()) {
                throw new Bad(at + "." + dist, "expected [low, high], two numbers");
            }
            double lo = r.get(0).doubleValue();
            double hi = r.get(1).doubleValue();
            if (!(lo < hi)) {
                throw new Bad(at + "." + dist, "low must be below high, found [" + lo + ", " + hi + "]");
            }
            if (dist.equals("log_uniform") && lo <= 0) {
                throw new Bad(at + "." + dist, "log_uniform needs a positive low bound, found " + lo);
            }
            if (dist.equals("int_uniform") && (!r.get(0).isIntegralNumber() || !r.get(1).isIntegralNumber())) {
                throw new Bad(at + "." + dist, "int_uniform needs integer bounds");
            }
            if (!search.random()) {
                throw new Bad(at, dist + " is for search.kind: random; a grid needs a list of values");
            }
            return new Sweep.Param(section, key, List.of(), dist, lo, hi);
        }
        return new Sweep.Param(section, key, List.of(v), null, 0, 0);
    }

    /** Each value of a key checked on its own against the method's config or the training settings. */
    private static void check(UnlearningMethod<?> m, JsonNode baseRun, Sweep.Param p, String at) {
        List<JsonNode> values = new ArrayList<>(p.choices());
        if (p.dist() != null) {
            values.add(p.dist().equals("int_uniform") ? JsonNodeFactory.instance.numberNode((long) p.lo())
                    : JsonNodeFactory.instance.numberNode(p.lo()));
        }
        for (int i = 0; i < values.size(); i++) {
            String where = at + "." + p.path() + (p.choices().size() > 1 ? "[" + i + "]" : "");
            JsonNode v = values.get(i);
            if (p.section().equals("train")) {
                if (!TrainSettings.KEYS.contains(p.key())) {
                    throw new Bad(at + ".train." + p.key(), "unknown training setting; valid: " + TrainSettings.KEYS);
                }
                Map<String, Object> one = new LinkedHashMap<>();
                one.put(p.key(), YAML.convertValue(v, Object.class));
                try {
                    TrainSettings.DEFAULTS.with(one);
                } catch (RuntimeException ex) {
                    throw new Bad(where, ex.getMessage());
                }
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> config = baseRun != null && baseRun.has("config")
                        ? YAML.convertValue(baseRun.get("config"), LinkedHashMap.class) : new LinkedHashMap<>();
                config.put(p.key(), YAML.convertValue(v, Object.class));
                try {
                    m.bind(config, List.of());
                } catch (RuntimeException ex) {
                    throw new Bad(where, ex.getMessage());
                }
            }
        }
    }

    private static List<Sweep.ForgetSet> forget(JsonNode f, Recipe recipe, Path dir) {
        Recipe.BuiltinData b = recipe.data().builtin();
        if (f == null) {
            if (b != null && b.forgetSet() != null) {
                return List.of(new Sweep.ForgetSet("forget-set", null)); // the base recipe's own set, kept as it is
            }
            String dflt = b != null ? b.forgetSplit() : recipe.data().tofu().forgetSplit();
            return List.of(Sweep.ForgetSet.split(dflt == null ? "forget10" : dflt));
        }
        if (!f.isArray() || f.isEmpty()) {
            throw new Bad("forget", "expected a list of forget sets, e.g. [forget01, forget10, {random: 10, seeds: [1, 2]},"
                    + " {worst_case: wc-out}]");
        }
        List<Sweep.ForgetSet> out = new ArrayList<>();
        for (int i = 0; i < f.size(); i++) {
            JsonNode x = f.get(i);
            String at = "forget[" + i + "]";
            List<Sweep.ForgetSet> sets;
            if (x.isTextual()) {
                String s = x.textValue();
                String pattern = b != null ? "forget(01|05|10)" : "forget\\d\\d";
                if (!s.matches(pattern)) {
                    throw new Bad(at, "'" + s + "' is not a split name (" + pattern.replace("\\d", "N") + ")");
                }
                sets = List.of(Sweep.ForgetSet.split(s));
            } else if (x.isObject()) {
                if (b == null) {
                    throw new Bad(at, "random and worst-case forget sets need data.builtin (the generated world, whose"
                            + " retain model the sweep trains on the rest); for a TOFU folder, write the split files and"
                            + " name the split");
                }
                if (!x.has("random") && !x.has("worst_case")) {
                    throw new Bad(at, "expected {random: PERCENT, seed: N} (or seeds: [..]) or {worst_case: PATH} (a file"
                            + " of records, or the --out folder of 'unlearn worst-case')");
                }
                sets = x.has("random") ? randomSets(x, at) : List.of(worstCaseSet(x, at, dir));
            } else {
                throw new Bad(at, "expected a split name (forget10), {random: PERCENT, seed: N} (or seeds: [..]) or"
                        + " {worst_case: PATH}");
            }
            for (Sweep.ForgetSet s : sets) {
                if (out.stream().anyMatch(o -> o.label().equals(s.label()))) {
                    throw new Bad(at, "forget set '" + s.label() + "' is listed twice");
                }
                out.add(s);
            }
        }
        return out;
    }

    /** {@code {random: 10, seed: 3}} or {@code {random: 10, seeds: [1, 2, 3]}}: one set per seed. */
    private static List<Sweep.ForgetSet> randomSets(JsonNode x, String at) {
        unknownKeys(x, at, RANDOM_SET);
        JsonNode pct = x.get("random");
        if (!pct.isNumber() || !(pct.doubleValue() > 0 && pct.doubleValue() < 100)) {
            throw new Bad(at + ".random", "a percentage of authors in (0, 100), found " + pct);
        }
        if (x.has("seed") == x.has("seeds")) {
            throw new Bad(at, "give seed: N or seeds: [N, ...] (the draws of the random set)");
        }
        JsonNode seeds = x.has("seed") ? YAML.createArrayNode().add(x.get("seed")) : x.get("seeds");
        if (!seeds.isArray() || seeds.isEmpty()) {
            throw new Bad(at + ".seeds", "expected a list of non-negative integers, e.g. [1, 2, 3]");
        }
        List<Sweep.ForgetSet> out = new ArrayList<>();
        for (int k = 0; k < seeds.size(); k++) {
            JsonNode s = seeds.get(k);
            if (!s.isIntegralNumber() || s.longValue() < 0) {
                throw new Bad(at + (x.has("seed") ? ".seed" : ".seeds[" + k + "]"), "expected a non-negative integer, found " + s);
            }
            ObjectNode set = YAML.createObjectNode();
            set.set("random", pct);
            set.put("seed", s.longValue());
            String p = pct.asText().replaceFirst("\\.0$", "");
            out.add(new Sweep.ForgetSet("random" + p + "-s" + s.longValue(), set));
        }
        return out;
    }

    /** {@code {worst_case: PATH, name: N}}: the records of a file or an {@code unlearn worst-case} output folder, pinned by sha256. */
    private static Sweep.ForgetSet worstCaseSet(JsonNode x, String at, Path dir) {
        unknownKeys(x, at, WORST_CASE_SET);
        if (!x.get("worst_case").isTextual() || x.get("worst_case").textValue().isBlank()) {
            throw new Bad(at + ".worst_case", "expected a path: a file of records, or the --out folder of 'unlearn worst-case'");
        }
        Path p = dir.resolve(x.get("worst_case").textValue()).normalize();
        RunPipeline.WorstCaseFile file;
        try {
            file = RunPipeline.worstCaseFile(dir, new Recipe.ForgetSet(null, null, p.toString(), null));
        } catch (InvalidInputException ex) {
            throw new Bad(at + ".worst_case", ex.getMessage().replace("data.builtin.forget_set.worst_case: ", ""));
        }
        String name = x.has("name") ? x.get("name").asText() : "worst-case-"
                + (Files.isDirectory(p) ? p.getFileName().toString() : p.getFileName().toString().replaceFirst("\\.jsonl?$", ""));
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new Bad(at + ".name", "letters, digits, '.', '_' and '-' only (it names best-NAME.yaml), found '" + name + "'");
        }
        ObjectNode set = YAML.createObjectNode();
        set.put("worst_case", p.toString());
        set.put("sha256", file.sha256());
        return new Sweep.ForgetSet(name, set);
    }

    private static void unknownKeys(JsonNode x, String at, Set<String> known) {
        x.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                throw new Bad(at + "." + k, "unknown key; valid: " + new TreeSet<>(known));
            }
        });
    }

    private static List<Long> seeds(JsonNode s, Recipe recipe) {
        if (s == null) {
            return List.of(recipe.seed() == null ? 0L : recipe.seed());
        }
        if (!s.isArray() || s.isEmpty()) {
            throw new Bad("seeds", "expected a list of integers, e.g. [0, 1, 2]");
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            JsonNode x = s.get(i);
            if (!x.isIntegralNumber() || x.longValue() < 0) {
                throw new Bad("seeds[" + i + "]", "expected a non-negative integer, found " + x);
            }
            if (out.contains(x.longValue())) {
                throw new Bad("seeds[" + i + "]", x.longValue() + " is listed twice");
            }
            out.add(x.longValue());
        }
        return out;
    }

    private static String metric(JsonNode v, String at) {
        if (!v.isTextual()) {
            throw new Bad(at, "expected a metric name; valid: " + METRICS);
        }
        if (!METRICS.contains(v.textValue())) {
            throw new Bad(at, "unknown metric '" + v.textValue() + "'; valid: " + METRICS);
        }
        return v.textValue();
    }

    static Objective objective(JsonNode o) {
        if (o == null) {
            throw new Bad("objective", "required, e.g. {maximize: forget_quality, subject_to: {model_utility:"
                    + " {min_of_full: 0.95}}} or {pareto: {maximize: [forget_quality, model_utility]}}");
        }
        mapping(o, "objective", OBJECTIVE);
        int n = (o.has("maximize") ? 1 : 0) + (o.has("minimize") ? 1 : 0) + (o.has("pareto") ? 1 : 0);
        if (n != 1) {
            throw new Bad("objective", "give exactly one of maximize, minimize, pareto (found " + n + ")");
        }
        List<String> metrics = new ArrayList<>();
        List<Boolean> max = new ArrayList<>();
        boolean pareto = o.has("pareto");
        if (pareto) {
            JsonNode p = o.get("pareto");
            mapping(p, "objective.pareto", keys("maximize", "minimize"));
            for (String dir : List.of("maximize", "minimize")) {
                JsonNode l = p.get(dir);
                if (l == null) {
                    continue;
                }
                if (!l.isArray()) {
                    throw new Bad("objective.pareto." + dir, "expected a list of metrics");
                }
                for (int i = 0; i < l.size(); i++) {
                    String m = metric(l.get(i), "objective.pareto." + dir + "[" + i + "]");
                    if (metrics.contains(m)) {
                        throw new Bad("objective.pareto." + dir + "[" + i + "]", "'" + m + "' is listed twice");
                    }
                    metrics.add(m);
                    max.add(dir.equals("maximize"));
                }
            }
            if (metrics.size() < 2) {
                throw new Bad("objective.pareto", "a Pareto front needs at least two metrics, found " + metrics.size());
            }
        } else {
            boolean mx = o.has("maximize");
            metrics.add(metric(o.get(mx ? "maximize" : "minimize"), "objective." + (mx ? "maximize" : "minimize")));
            max.add(mx);
        }
        List<Objective.Constraint> cs = new ArrayList<>();
        JsonNode st = o.get("subject_to");
        if (st != null) {
            if (!st.isObject()) {
                throw new Bad("objective.subject_to", "expected a mapping: metric to {min|max|min_of_full|max_of_full: number}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = st.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String at = "objective.subject_to." + e.getKey();
                metric(JsonNodeFactory.instance.textNode(e.getKey()), at);
                mapping(e.getValue(), at, CONSTRAINT);
                if (e.getValue().isEmpty()) {
                    throw new Bad(at, "give a bound: min, max, min_of_full or max_of_full");
                }
                for (Iterator<Map.Entry<String, JsonNode>> b = e.getValue().fields(); b.hasNext();) {
                    Map.Entry<String, JsonNode> k = b.next();
                    if (!k.getValue().isNumber() || !Double.isFinite(k.getValue().doubleValue())) {
                        throw new Bad(at + "." + k.getKey(), "expected a number, found " + k.getValue());
                    }
                    boolean ofFull = k.getKey().endsWith("_of_full");
                    if (ofFull && k.getValue().doubleValue() < 0) {
                        throw new Bad(at + "." + k.getKey(), "a fraction of the full model's value must be >= 0");
                    }
                    cs.add(new Objective.Constraint(e.getKey(), k.getKey().startsWith("min"), k.getValue().doubleValue(),
                            ofFull));
                }
            }
        }
        return new Objective(metrics, max, pareto, cs);
    }

    private static Sweep.ExecutorSpec executor(JsonNode e) {
        if (e.isMissingNode()) {
            return new Sweep.ExecutorSpec("local", 0, 0, 0, JsonNodeFactory.instance.objectNode(),
                    JsonNodeFactory.instance.objectNode());
        }
        mapping(e, "executor", EXECUTOR);
        String kind = text(e, "kind", "executor.kind", "local");
        if (!List.of("local", "slurm", "kubernetes").contains(kind)) {
            throw new Bad("executor.kind", "unknown '" + kind + "'; valid: local, slurm, kubernetes");
        }
        int workers = (int) integer(e, "workers", "executor.workers", 0, 0, 1024);
        int mem = 0;
        if (e.has("memory_per_trial")) {
            mem = megabytes(e.get("memory_per_trial"), "executor.memory_per_trial");
        }
        int devices = (int) integer(e, "devices", "executor.devices", 0, 0, 1024);
        ObjectNode slurm = JsonNodeFactory.instance.objectNode();
        if (e.has("slurm")) {
            mapping(e.get("slurm"), "executor.slurm", SLURM);
            slurm = (ObjectNode) e.get("slurm");
            integer(slurm, "cpus_per_task", "executor.slurm.cpus_per_task", 1, 1, 4096);
            integer(slurm, "gpus_per_task", "executor.slurm.gpus_per_task", 0, 0, 64);
            integer(slurm, "max_parallel", "executor.slurm.max_parallel", 0, 1, 100_000);
            for (String k : List.of("partition", "time", "mem", "account", "qos")) {
                String v = text(slurm, k, "executor.slurm." + k, null);
                if (v != null && !v.matches("[A-Za-z0-9_.:,=+-]+")) {
                    throw new Bad("executor.slurm." + k, "'" + v + "' has characters Slurm does not accept here");
                }
            }
            strings(slurm, "extra_args", "executor.slurm.extra_args");
            strings(slurm, "command", "executor.slurm.command");
        }
        ObjectNode k8s = JsonNodeFactory.instance.objectNode();
        if (e.has("kubernetes")) {
            mapping(e.get("kubernetes"), "executor.kubernetes", KUBERNETES);
            k8s = (ObjectNode) e.get("kubernetes");
            for (String k : List.of("image", "namespace", "volume_claim", "mount_path", "service_account")) {
                text(k8s, k, "executor.kubernetes." + k, null);
            }
            for (String k : List.of("cpu", "memory")) { // Kubernetes quantities: "500m", "8Gi", or a plain number
                JsonNode q = k8s.get(k);
                if (q != null && !(q.isNumber() && q.doubleValue() > 0)) {
                    text(k8s, k, "executor.kubernetes." + k, null);
                }
            }
            integer(k8s, "gpus", "executor.kubernetes.gpus", 0, 0, 64);
            integer(k8s, "parallelism", "executor.kubernetes.parallelism", 0, 1, 100_000);
            integer(k8s, "backoff_limit", "executor.kubernetes.backoff_limit", 0, 0, 1000);
            strings(k8s, "command", "executor.kubernetes.command");
            String ns = text(k8s, "namespace", "executor.kubernetes.namespace", null);
            if (ns != null && !ns.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw new Bad("executor.kubernetes.namespace", "'" + ns + "' is not a DNS label (lowercase letters, digits, '-')");
            }
            String mount = text(k8s, "mount_path", "executor.kubernetes.mount_path", null);
            if (mount != null && !mount.startsWith("/")) {
                throw new Bad("executor.kubernetes.mount_path", "must be an absolute path, found '" + mount + "'");
            }
        }
        return new Sweep.ExecutorSpec(kind, workers, mem, devices, slurm, k8s);
    }

    /** "4g", "512m", "2048" (MiB) or an integer number of MiB. */
    static int megabytes(JsonNode v, String at) {
        String s = v.isIntegralNumber() ? v.asText() + "m" : v.isTextual() ? v.textValue().trim().toLowerCase() : "";
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([mg]?)").matcher(s);
        if (!m.matches()) {
            throw new Bad(at, "expected a size like 2g or 512m, found " + v);
        }
        long n = Long.parseLong(m.group(1)) * (m.group(2).equals("g") ? 1024 : 1);
        if (n < 64 || n > 16L * 1024 * 1024) {
            throw new Bad(at, "expected between 64m and 16384g, found " + v);
        }
        return (int) n;
    }

    private static void strings(JsonNode o, String key, String at) {
        JsonNode l = o.get(key);
        if (l == null) {
            return;
        }
        if (!l.isArray() || l.isEmpty()) {
            throw new Bad(at, "expected a non-empty list of strings");
        }
        for (int i = 0; i < l.size(); i++) {
            if (!l.get(i).isTextual()) {
                throw new Bad(at + "[" + i + "]", "expected a string, found " + l.get(i));
            }
        }
    }

    private static void mapping(JsonNode n, String at, Set<String> valid) {
        if (n == null || !n.isObject()) {
            throw new Bad(at, "expected a mapping with keys " + valid);
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!valid.contains(k)) {
                String p = at.equals("(top level)") ? k : at + "." + k;
                throw new Bad(p, "unknown key; valid keys here: " + valid);
            }
        }
    }

    private static String text(JsonNode n, String key, String at, String dflt) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw new Bad(at, "expected a non-empty string, found " + v);
        }
        return v.textValue();
    }

    private static long integer(JsonNode n, String key, String at, long dflt, long min, long max) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber()) {
            throw new Bad(at, "expected an integer, found " + v);
        }
        if (v.longValue() < min || v.longValue() > max) {
            throw new Bad(at, "expected between " + min + " and " + max + ", found " + v.longValue());
        }
        return v.longValue();
    }
}

package dev.unlearn.cli.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.unlearn.cli.Texts;
import dev.unlearn.cli.TrainingOptions;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.AttentionMasking;
import dev.unlearn.core.io.ParseErrors;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.family.Families;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.methods.spi.Methods;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and validates a recipe. Every error names the file and the path of the offending key
 * ({@code methods[2].train.lr}), says what was expected and, for unknown keys, lists the valid ones.
 */
public final class RecipeLoader {
    /** Unknown and duplicate keys, strings or floats where integers belong, and trailing documents are refused. */
    static final ObjectMapper YAML = dev.unlearn.cli.requests.PolicySet.strict(new ObjectMapper(new YAMLFactory()));

    /** Suites the evaluator knows. */
    public static final Set<String> SUITES = Set.of("tofu", "muse", "mia", "representation", "refusal", "leakage");

    private RecipeLoader() {}

    public static Recipe load(Path file) {
        return load(file, List.of());
    }

    /**
     * Loads the recipe with {@code run --set KEY=VALUE} overrides applied to its tree before binding and
     * validation ({@link RecipeOverrides}): an override is checked like the key in the file, and a
     * problem with it says so.
     */
    public static Recipe load(Path file, List<String> overrides) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("recipe " + file + " does not exist");
        }
        List<RecipeOverrides.Override> sets = overrides.stream().map(RecipeOverrides::parse).toList();
        Recipe r;
        com.fasterxml.jackson.databind.JsonNode overridden = null;
        try {
            if (sets.isEmpty()) {
                r = YAML.readValue(file.toFile(), Recipe.class);
            } else {
                com.fasterxml.jackson.databind.JsonNode tree = YAML.readTree(file.toFile());
                if (tree == null || tree.isMissingNode() || tree.isNull()) {
                    tree = YAML.createObjectNode();
                }
                if (!(tree instanceof com.fasterxml.jackson.databind.node.ObjectNode root)) {
                    throw new InvalidInputException("recipe " + file + ": the top level must be a mapping");
                }
                for (RecipeOverrides.Override o : sets) {
                    RecipeOverrides.apply(root, o);
                }
                overridden = root;
                try {
                    r = YAML.treeToValue(root, Recipe.class);
                } catch (JsonMappingException ex) {
                    throw new InvalidInputException("recipe " + file + " with " + describeSets(sets) + ": " + describe(ex), ex);
                }
            }
        } catch (JsonMappingException ex) {
            if (ex.getCause() instanceof StreamReadException parse) {
                throw new InvalidInputException("recipe " + file + " is not valid YAML: "
                        + ParseErrors.describe(parse), ex);
            }
            if (ex.getPath().isEmpty() && emptyDocument(file)) {
                throw new InvalidInputException("recipe " + file + " is empty: it holds no keys (recipes/README.md lists"
                        + " them; recipes/demo.yaml is a whole recipe)", ex);
            }
            throw new InvalidInputException("recipe " + file + ": " + describe(ex), ex);
        } catch (JsonProcessingException ex) {
            throw new InvalidInputException("recipe " + file + " is not valid YAML: " + ParseErrors.describe(ex), ex);
        } catch (IOException ex) {
            throw new InvalidInputException("cannot read recipe " + file + ": " + ex.getMessage(), ex);
        }
        if (r == null) {
            throw new InvalidInputException("recipe " + file + " is empty");
        }
        List<String> problems = nullKeys(sets.isEmpty() ? tree(file) : overridden, "");
        if (problems.isEmpty()) {
            problems = validate(r);
        }
        if (problems.isEmpty()) {
            problems = loraTargetsOfCheckpoint(r, file.toAbsolutePath().getParent());
        }
        if (!problems.isEmpty()) {
            Map<String, Integer> lines = lines(file);
            List<String> located = new ArrayList<>();
            for (String q : problems) {
                String key = q.substring(0, Math.max(0, q.indexOf(':')));
                String from = sets.stream().filter(o -> related(key, o.resolved())).map(o -> " (from --set " + o.text() + ")")
                        .findFirst().orElse(null);
                located.add(q + (from != null ? from : lineOf(lines, key)));
            }
            throw new InvalidInputException("recipe " + file + ": " + String.join("; ", located));
        }
        return r;
    }

    /** Whether the problem at key path {@code key} concerns an override of {@code set} (one lies inside the other). */
    private static boolean related(String key, String set) {
        return key.equals(set) || set.startsWith(key + ".") || set.startsWith(key + "[") || key.startsWith(set + ".")
                || key.startsWith(set + "[");
    }

    /**
     * The keys written without a value ({@code lr:}, {@code lr: ~}, {@code --set finetune.lr=}) in a recipe or policy
     * file, each as a problem: binding would give them the key's default, silently. (A null list element is already
     * a binding error.)
     */
    public static List<String> nullKeys(com.fasterxml.jackson.databind.JsonNode n, String path) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isObject()) {
            n.fields().forEachRemaining(e -> {
                String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (e.getValue().isNull()) {
                    out.add(at + ": no value; give one, or leave the key out");
                }
                out.addAll(nullKeys(e.getValue(), at));
            });
        } else if (n != null && n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                out.addAll(nullKeys(n.get(i), path + "[" + i + "]"));
            }
        }
        return out;
    }

    /** The file's YAML tree (the binding has read it already, so it parses). */
    private static com.fasterxml.jackson.databind.JsonNode tree(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException ex) {
            throw new InvalidInputException("cannot read recipe " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Whether the file holds no YAML value (nothing, or comments only). */
    private static boolean emptyDocument(Path file) {
        try {
            com.fasterxml.jackson.databind.JsonNode t = YAML.readTree(file.toFile());
            return t == null || t.isMissingNode() || t.isNull();
        } catch (IOException ex) {
            return false;
        }
    }

    private static String describeSets(List<RecipeOverrides.Override> sets) {
        return sets.stream().map(o -> "--set " + o.text()).collect(java.util.stream.Collectors.joining(", "));
    }

    /** " (line N)" for the key path, or its nearest ancestor that the file spells out; empty if none. */
    private static String lineOf(Map<String, Integer> lines, String path) {
        for (String k = path; !k.isEmpty(); k = k.replaceAll("(\\.[^.\\[]+|\\[\\d+\\])$", "")) {
            Integer n = lines.get(k);
            if (n != null) {
                return " (line " + n + ")";
            }
            if (!k.contains(".") && !k.contains("[")) {
                break;
            }
        }
        return "";
    }

    /** Key path ({@code methods[1].train.lr}) to the line it starts on, from a token pass over the file. */
    static Map<String, Integer> lines(Path file) {
        Map<String, Integer> out = new java.util.HashMap<>();
        // one frame per open mapping (the current key) or sequence (the current index)
        java.util.ArrayList<Object[]> frames = new java.util.ArrayList<>();
        try (com.fasterxml.jackson.core.JsonParser p = YAML.getFactory().createParser(file.toFile())) {
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) != null) {
                Object[] top = frames.isEmpty() ? null : frames.get(frames.size() - 1);
                int line = p.currentTokenLocation().getLineNr();
                if (t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    top[1] = p.currentName();
                    out.putIfAbsent(render(frames), line);
                    continue;
                }
                if (t == com.fasterxml.jackson.core.JsonToken.END_OBJECT || t == com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                    frames.remove(frames.size() - 1);
                    continue;
                }
                if (top != null && top[0] == "seq") {
                    top[1] = (Integer) top[1] + 1;
                    out.putIfAbsent(render(frames), line);
                }
                if (t == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    frames.add(new Object[] {"map", null});
                } else if (t == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                    frames.add(new Object[] {"seq", -1});
                }
            }
        } catch (IOException ex) {
            // lines are a courtesy; binding already succeeded
        }
        return out;
    }

    private static String render(List<Object[]> frames) {
        StringBuilder b = new StringBuilder();
        for (Object[] f : frames) {
            if (f[0] == "seq") {
                b.append('[').append(f[1]).append(']');
            } else if (f[1] != null) {
                b.append(b.length() > 0 ? "." : "").append(f[1]);
            }
        }
        return b.toString();
    }

    /** Semantic checks after binding; each problem names its key path. */
    static List<String> validate(Recipe r) {
        List<String> p = new ArrayList<>();
        if (r.data() == null) {
            p.add("data: required (one of builtin, tofu, muse)");
        } else {
            int n = (r.data().builtin() != null ? 1 : 0) + (r.data().tofu() != null ? 1 : 0) + (r.data().muse() != null ? 1 : 0);
            if (n != 1) {
                p.add("data: give exactly one of builtin, tofu, muse (found " + n + ")");
            }
            if (r.data().builtin() != null) {
                Recipe.BuiltinData b = r.data().builtin();
                if (b.authors() != null && b.authors() < 2) {
                    p.add("data.builtin.authors: must be at least 2, found " + b.authors());
                }
            }
            if (r.data().tofu() != null && r.data().tofu().dir() == null) {
                p.add("data.tofu.dir: required");
            }
            if (r.data().muse() != null && (r.data().muse().dir() == null) == (r.data().muse().builtin() == null)) {
                p.add("data.muse: give exactly one of dir, builtin");
            }
        }
        if (r.model() == null) {
            p.add("model: required (checkpoint or init)");
        } else if ((r.model().checkpoint() == null) == (r.model().init() == null)) {
            p.add("model: give exactly one of checkpoint, init");
        } else if (r.model().init() != null) {
            Recipe.InitSpec i = r.model().init();
            positive(p, "model.init.hidden_size", i.hiddenSize());
            positive(p, "model.init.layers", i.layers());
            positive(p, "model.init.heads", i.heads());
            positive(p, "model.init.kv_heads", i.kvHeads());
            positive(p, "model.init.intermediate_size", i.intermediateSize());
            if (i.hiddenSize() != null && i.heads() != null && i.heads() > 0 && i.hiddenSize() % i.heads() != 0) {
                p.add("model.init.hidden_size: " + i.hiddenSize() + " is not divisible by heads " + i.heads());
            }
            if (i.heads() != null && i.kvHeads() != null && i.kvHeads() > 0 && i.heads() % i.kvHeads() != 0) {
                p.add("model.init.kv_heads: heads " + i.heads() + " is not a multiple of kv_heads " + i.kvHeads());
            }
            if (i.modelType() != null && Families.find(i.modelType()).isEmpty()) {
                p.add("model.init.model_type: '" + i.modelType() + "' is not supported; valid: " + Families.modelTypes());
            }
        }
        if (r.model() != null && r.model().template() != null) {
            String t = r.model().template().trim();
            try {
                if (t.startsWith("{")) {
                    PromptTemplate.checkMapping(t); // keys and variables now; the chat template when the model is known
                } else if (!t.equals("auto") && !t.equals("chat") && !t.startsWith("file:") && !t.endsWith(".jinja")) {
                    PromptTemplate.byName(t);
                }
            } catch (InvalidInputException ex) {
                p.add("model.template: " + ex.getMessage());
            }
        }
        if (r.model() != null && r.model().init() != null && r.model().finetuned() != null) {
            p.add("model.finetuned: says whether model.checkpoint is already fine-tuned; a model built from"
                    + " model.init is always fine-tuned here, so it would be ignored; remove it");
        }
        if (r.finetune() != null && r.model() != null && Boolean.TRUE.equals(r.model().finetuned())
                && r.model().retainCheckpoint() != null) {
            p.add("finetune: both models are given (model.checkpoint with finetuned: true, model.retain_checkpoint),"
                    + " so nothing is fine-tuned and these settings would be ignored; remove the section");
        }
        if (r.methods() == null || r.methods().isEmpty()) {
            p.add("methods: list at least one method run");
        } else {
            Set<String> labels = new TreeSet<>();
            for (int k = 0; k < r.methods().size(); k++) {
                Recipe.MethodRun m = r.methods().get(k);
                String at = "methods[" + k + "]";
                if (m == null || m.method() == null || m.method().isBlank()) {
                    p.add(at + ".method: required");
                    continue;
                }
                if (m.name() != null && !Texts.isPathSegment(m.name())) {
                    p.add(at + ".name: '" + Texts.printable(m.name()) + "' must be "
                            + Texts.PATH_SEGMENT_RULE + " (it names the run's folders unlearn/NAME and eval/NAME)");
                } else if (!labels.add(m.label())) {
                    p.add(at + ".name: '" + m.label() + "' is used twice; give each run a distinct name");
                }
                try {
                    Methods.byName(m.method());
                } catch (InvalidInputException ex) {
                    p.add(at + ".method: " + ex.getMessage());
                    continue;
                }
                try {
                    dev.unlearn.methods.spi.Methods.byName(m.method()).bind(m.config() == null ? Map.of() : m.config(),
                            List.of());
                } catch (RuntimeException ex) {
                    p.add(at + (ex.getMessage() != null && ex.getMessage().contains("Unknown unlearning method") ? ".method: " : ".config: ")
                            + ex.getMessage());
                }
                checkTrain(p, at + ".train", m.method(), m.train(), r.model());
            }
        }
        if (r.data() != null && r.data().muse() != null) {
            museIgnored(p, r);
        }
        if (r.eval() != null && r.eval().attentionMask() != null) {
            try {
                AttentionMasking.byName(r.eval().attentionMask());
            } catch (InvalidInputException ex) {
                p.add("eval.attention_mask: unknown '" + r.eval().attentionMask() + "'; valid: length, pad_token");
            }
        }
        if (r.model() != null && !dev.unlearn.core.Engines.isDeviceName(r.model().device())) {
            p.add("model.device: unknown device '" + r.model().device() + "'; use cpu, gpu or gpu:N");
        }
        if (r.eval() != null && r.eval().suites() != null) {
            if (r.eval().suites().isEmpty()) {
                p.add("eval.suites: an empty list would evaluate nothing; list the suites, or leave the key out for the"
                        + " default (" + (r.data() != null && r.data().muse() != null ? "[muse]"
                        : dev.unlearn.eval.model.Evaluator.DEFAULT_SUITES) + ")");
            }
            for (int k = 0; k < r.eval().suites().size(); k++) {
                String s = r.eval().suites().get(k);
                if (!SUITES.contains(s)) {
                    p.add("eval.suites[" + k + "]: unknown suite '" + s + "'; valid: " + new TreeSet<>(SUITES));
                } else if (s.equals("muse") && (r.data() == null || r.data().muse() == null)) {
                    p.add("eval.suites[" + k + "]: 'muse' needs data.muse (raw-text corpora); with QA data the valid"
                            + " suites are [mia, refusal, representation, tofu]");
                }
            }
        }
        if (r.eval() != null) {
            positive(p, "eval.max_new_tokens", r.eval().maxNewTokens());
            positive(p, "eval.batch_size", r.eval().batchSize());
            if (r.eval().leakage() != null && (r.eval().suites() == null || !r.eval().suites().contains("leakage"))) {
                p.add("eval.leakage: the settings of the leakage suite, which eval.suites "
                        + (r.eval().suites() == null ? "(by default) leaves out" : r.eval().suites() + " leaves out")
                        + ", so they would be ignored; add leakage to eval.suites or remove eval.leakage");
            }
        }
        if (r.data() != null && r.data().builtin() != null) {
            Recipe.BuiltinData b = r.data().builtin();
            if (b.authors() != null && b.authors() > 10_000) {
                p.add("data.builtin.authors: at most 10000, found " + b.authors());
            }
            split(p, "data.builtin.forget_split", b.forgetSplit(), "forget(01|05|10)");
            forgetSet(p, b);
        }
        if (r.data() != null && r.data().tofu() != null) {
            split(p, "data.tofu.forget_split", r.data().tofu().forgetSplit(), "forget\\d\\d");
            split(p, "data.tofu.retain_split", r.data().tofu().retainSplit(), "retain\\d\\d");
        }
        if (r.model() != null && r.model().init() != null) {
            Recipe.InitSpec i = r.model().init();
            atMost(p, "model.init.hidden_size", i.hiddenSize(), 1 << 16);
            atMost(p, "model.init.layers", i.layers(), 1024);
            atMost(p, "model.init.heads", i.heads(), 1024);
            atMost(p, "model.init.kv_heads", i.kvHeads(), 1024);
            atMost(p, "model.init.intermediate_size", i.intermediateSize(), 1 << 18);
            // model_type is checked against the family registry above
        }
        return p;
    }

    /** The PEFT module names the families know ({@code LoraConfig}); a family's own set is checked against its config. */
    static final Set<String> LORA_MODULES = Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj", "qkv_proj", "gate_up_proj");

    /**
     * Checks a method run's {@code train} section (at {@code at}: {@code methods[k].train}, or a request policy's
     * {@code policies.NAME.train}) as {@code unlearn forget} checks its options: training keys that a method
     * without a training loop would ignore; {@code precision}, {@code lora} and {@code export} as
     * {@code --precision}, {@code --lora-*} and {@code --export} (ranges, keys that would be ignored without
     * adapters, a method that does not train); and, for a model trained from {@code model.init} when
     * {@code model} is given, targets the family lacks. Each problem is added to {@code p}, naming its key.
     */
    public static void checkTrain(List<String> p, String at, String method, MethodTrain t, Recipe.ModelSpec model) {
        List<String> unused = TrainingOptions.unused(method, t == null ? TrainSettings.DEFAULTS : t.settings());
        if (!unused.isEmpty()) {
            p.add(at + ": method '" + method + "' " + TrainingOptions.notTraining(method) + " and does not train; "
                    + unused + " would be ignored (it uses only " + new TreeSet<>(TrainingOptions.DIRECT_EDIT_KEYS) + ")");
        }
        if (t != null && t.precision() != null) {
            try {
                dev.unlearn.cli.PrecisionOption.requireAdaptersForHalf(
                        dev.unlearn.core.model.Precision.parse(t.precision(), at + ".precision"), t.adapters(),
                        at + ".precision: method '" + method + "'", at + ".lora.rank (> 0)");
            } catch (dev.unlearn.core.InvalidInputException ex) {
                p.add(ex.getMessage());
            }
        }
        if (t == null || (t.lora() == null && t.export() == null)) {
            return;
        }
        MethodTrain.Lora l = t.lora();
        if (t.export() != null && !t.export().trim().equalsIgnoreCase("merged") && !t.export().trim().equalsIgnoreCase("peft")) {
            p.add(at + ".export: must be merged or peft, found '" + t.export() + "'");
        }
        if (l != null) {
            if (l.rank() == null) {
                p.add(at + ".lora.rank: required (the adapters' rank r; 0 = off, every weight trains)");
            } else if (l.rank() < 0) {
                p.add(at + ".lora.rank: must be >= 0 (0 = off), found " + l.rank());
            }
            if (l.alpha() != null && (!(l.alpha() > 0) || Double.isInfinite(l.alpha()))) {
                p.add(at + ".lora.alpha: must be a positive number, found " + l.alpha());
            }
            if (l.dropout() != null && !(l.dropout() >= 0 && l.dropout() < 1)) {
                p.add(at + ".lora.dropout: must be in [0, 1), found " + l.dropout());
            }
            if (l.targets() != null) {
                List<String> ts = l.targets();
                boolean all = ts.size() == 1 && (ts.get(0).equalsIgnoreCase("all") || ts.get(0).equalsIgnoreCase("all-linear"));
                if (ts.isEmpty()) {
                    p.add(at + ".lora.targets: empty; give all or module names such as [q_proj, v_proj]");
                } else if (!all) {
                    for (int i = 0; i < ts.size(); i++) {
                        String n = ts.get(i).toLowerCase(java.util.Locale.ROOT);
                        if (n.equals("all") || n.equals("all-linear")) {
                            p.add(at + ".lora.targets[" + i + "]: 'all' stands alone, found " + ts);
                        } else if (!LORA_MODULES.contains(n)) {
                            p.add(at + ".lora.targets[" + i + "]: '" + ts.get(i) + "' is not a PEFT module name; valid: "
                                    + new TreeSet<>(LORA_MODULES) + " (or all)");
                        }
                    }
                }
            }
        }
        if (!t.adapters()) {
            List<String> stray = new ArrayList<>();
            if (l != null && l.alpha() != null) {
                stray.add("lora.alpha");
            }
            if (l != null && l.dropout() != null) {
                stray.add("lora.dropout");
            }
            if (l != null && l.targets() != null) {
                stray.add("lora.targets");
            }
            if (l == null && t.peftExport()) {
                p.add(at + ".export: peft writes LoRA adapters; give lora: {rank: N} (N > 0) or leave export out");
            } else if (t.peftExport()) {
                stray.add("export: peft");
            }
            if (!stray.isEmpty() && l != null && l.rank() != null && l.rank() == 0) {
                p.add(at + ".lora: " + stray + " apply to LoRA adapters only (rank 0 = off); give lora.rank > 0 or leave"
                        + " them out");
            }
            return;
        }
        dev.unlearn.methods.spi.MethodKind kind = Methods.byName(method).kind();
        if (kind != dev.unlearn.methods.spi.MethodKind.LOSS_BASED) {
            p.add(at + ".lora: method '" + method + "' " + (kind == dev.unlearn.methods.spi.MethodKind.DIRECT_EDIT
                    ? "edits the base weights directly, so there is nothing for LoRA adapters to train"
                    : "trains nothing") + "; remove train.lora for it");
            return;
        }
        if (model != null && model.init() != null && model.checkpoint() == null) {
            Recipe.InitSpec i = model.init();
            if (i.hiddenSize() != null && i.layers() != null && i.heads() != null && i.kvHeads() != null
                    && i.intermediateSize() != null) {
                try {
                    ModelConfig cfg = ModelConfig.example(i.modelType() == null ? "llama" : i.modelType(), i.hiddenSize(),
                            1, i.heads(), i.kvHeads(), i.intermediateSize(), 64);
                    targets(p, at, t, cfg);
                } catch (InvalidInputException ex) {
                    // the init spec's own problems are reported by its keys
                }
            }
        }
    }

    /** The targets of {@code t} against the modules of the model {@code cfg} describes. */
    private static void targets(List<String> p, String at, MethodTrain t, ModelConfig cfg) {
        try {
            t.options().lora.config().resolve(cfg);
        } catch (InvalidInputException ex) {
            p.add(at + ".lora.targets: " + ex.getMessage());
        }
    }

    /**
     * Adapter targets against the family of {@code model.checkpoint}, read from its {@code config.json}
     * (relative to {@code recipeDir}) when it is there; a missing checkpoint is named by its own stage.
     */
    static List<String> loraTargetsOfCheckpoint(Recipe r, Path recipeDir) {
        List<String> p = new ArrayList<>();
        if (r.model() == null || r.model().checkpoint() == null || r.methods() == null || recipeDir == null) {
            return p;
        }
        Path ck = Path.of(r.model().checkpoint());
        Path cfgFile = (ck.isAbsolute() ? ck : recipeDir.resolve(ck)).resolve("config.json");
        ModelConfig cfg = null;
        for (int k = 0; k < r.methods().size(); k++) {
            MethodTrain t = r.methods().get(k).train();
            if (t == null || !t.adapters() || t.lora().targets() == null) {
                continue;
            }
            if (cfg == null) {
                if (!Files.isRegularFile(cfgFile)) {
                    return p;
                }
                try {
                    cfg = ModelConfig.read(cfgFile);
                } catch (InvalidInputException ex) {
                    return p; // the checkpoint's own problem, named when it loads
                }
            }
            targets(p, "methods[" + k + "].train", t, cfg);
        }
        return p;
    }

    private static void forgetSet(List<String> p, Recipe.BuiltinData b) {
        Recipe.ForgetSet f = b.forgetSet();
        if (f == null) {
            return;
        }
        String k = "data.builtin.forget_set";
        if (b.forgetSplit() != null) {
            p.add(k + ": give forget_split or forget_set, not both");
        }
        if ((f.random() == null) == (f.worstCase() == null)) {
            p.add(k + ": give exactly one of random (a percentage of authors, with seed) and worst_case (a file or an"
                    + " 'unlearn worst-case' output folder)");
            return;
        }
        if (f.random() != null) {
            if (!(f.random() > 0 && f.random() < 100)) {
                p.add(k + ".random: a percentage of authors in (0, 100), found " + f.random());
            }
            if (f.seed() == null) {
                p.add(k + ".seed: required with random (the draw's seed)");
            } else if (f.seed() < 0) {
                p.add(k + ".seed: must be non-negative, found " + f.seed());
            }
            if (f.sha256() != null) {
                p.add(k + ".sha256: only with worst_case");
            }
        } else {
            if (f.seed() != null) {
                p.add(k + ".seed: only with random");
            }
            if (f.worstCase().isBlank()) {
                p.add(k + ".worst_case: a path, found an empty string");
            }
            if (f.sha256() != null && !f.sha256().matches("[0-9a-f]{64}")) {
                p.add(k + ".sha256: 64 lower-case hex digits, found '" + f.sha256() + "'");
            }
        }
    }

    private static void split(List<String> p, String key, String v, String pattern) {
        if (v != null && !v.matches(pattern)) {
            p.add(key + ": '" + v + "' is not a split name (" + pattern.replace("\\d", "N") + ")");
        }
    }

    private static void atMost(List<String> p, String key, Integer v, int max) {
        if (v != null && v > max) {
            p.add(key + ": at most " + max + ", found " + v);
        }
    }

    private static void positive(List<String> p, String key, Integer v) {
        if (v != null && v <= 0) {
            p.add(key + ": must be > 0, found " + v);
        }
    }

    /** One-line description of a binding error: key path, expected type, valid keys. */
    public static String describe(JsonMappingException ex) {
        String path = path(ex.getPath());
        if (ex instanceof UnrecognizedPropertyException u) {
            TreeSet<String> known = new TreeSet<>();
            if (u.getKnownPropertyIds() != null) {
                u.getKnownPropertyIds().forEach(o -> known.add(String.valueOf(o)));
            }
            return "unknown key '" + path + "'; valid keys here: " + known + location(ex);
        }
        if (ex instanceof InvalidFormatException f) {
            return path + ": expected " + typeName(f.getTargetType()) + ", found '" + f.getValue() + "'" + location(ex);
        }
        if (ParseErrors.trailing(ex)) {
            return ParseErrors.TRAILING + location(ex);
        }
        if (ex instanceof com.fasterxml.jackson.databind.exc.InvalidNullException n) {
            return path + ": expected " + typeName(n.getTargetType()) + ", found null" + location(ex);
        }
        if (ex instanceof MismatchedInputException m) {
            return path + ": expected " + typeName(m.getTargetType()) + location(ex);
        }
        return path + ": " + (ex.getCause() instanceof TrainSettings.BadKey bad ? bad.getMessage() : ex.getOriginalMessage())
                + location(ex);
    }

    private static String typeName(Class<?> c) {
        if (c == null) {
            return "a different type";
        }
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
            return "an integer";
        }
        if (c == Double.class || c == double.class) {
            return "a number";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "true or false";
        }
        if (c == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(c)) {
            return "a list";
        }
        return "a mapping of keys to values"; // the key path says which section; a Java type name would not help
    }

    /**
     * The keys a raw-text (MUSE) run cannot honour, refused rather than dropped: it trains, unlearns and scores
     * windows of {@code data.muse.chunk_tokens} tokens cut from the corpora, so a length or masking setting of
     * the QA path has nothing to act on.
     */
    private static void museIgnored(List<String> p, Recipe r) {
        String windows = ": a MUSE recipe trains on windows of data.muse.chunk_tokens tokens; ";
        List<Map.Entry<String, dev.unlearn.core.train.TrainSettings>> sections = new ArrayList<>();
        if (r.finetune() != null) {
            sections.add(Map.entry("finetune", r.finetuneSettings()));
        }
        for (int k = 0; r.methods() != null && k < r.methods().size(); k++) {
            if (r.methods().get(k) != null) {
                sections.add(Map.entry("methods[" + k + "].train", r.methods().get(k).settings()));
            }
        }
        dev.unlearn.core.train.TrainSettings d = dev.unlearn.core.train.TrainSettings.DEFAULTS;
        for (Map.Entry<String, dev.unlearn.core.train.TrainSettings> s : sections) {
            if (s.getValue().maxLength() != d.maxLength()) {
                p.add(s.getKey() + ".max_length" + windows + "set data.muse.chunk_tokens instead and leave max_length out");
            }
            if (s.getValue().attentionMask() != d.attentionMask()) {
                p.add(s.getKey() + ".attention_mask" + windows + "their masks do not come from these settings; leave"
                        + " attention_mask out");
            }
        }
        if (r.eval() != null && r.eval().attentionMask() != null) {
            p.add("eval.attention_mask: the MUSE evaluation scores raw-text windows, not QA prompts; leave attention_mask out");
        }
    }

    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(top level)" : sb.toString();
    }

    private static String location(JsonProcessingException ex) {
        return ex.getLocation() == null || ex.getLocation().getLineNr() <= 0 ? "" // a tree has no lines
                : " (line " + ex.getLocation().getLineNr() + ")";
    }
}

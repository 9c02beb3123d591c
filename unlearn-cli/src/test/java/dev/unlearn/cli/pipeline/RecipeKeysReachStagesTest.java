package dev.unlearn.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.unlearn.cli.recipe.MethodTrain;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.synth.SynthNews;
import dev.unlearn.core.synth.SynthWorld;
import dev.unlearn.core.train.TrainSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No recipe setting is silently dropped: every key a recipe may hold, set to another valid value, changes the
 * fingerprint of a stage of the run's plan ({@link RunPipeline#plan}), so the stage that reads it reruns; or the
 * loader refuses it, naming the key. A key that loads and changes no stage is either dropped or a stage that
 * would be wrongly reused, and fails the test.
 *
 * <p>The keys come from the recipe's own types ({@link Recipe}'s records, {@link TrainSettings#KEYS},
 * {@link MethodTrain}'s keys), so a key added later is checked too. Each is tried in four recipes: the
 * built-in world (demo.yaml), the built-in news corpus (muse-demo.yaml), a TOFU folder with checkpoints, and a
 * MUSE folder.
 */
class RecipeKeysReachStagesTest {
    static final com.fasterxml.jackson.databind.ObjectMapper YAML =
            new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

    /** Keys that say where the run goes, not what it computes. */
    static final Map<String, String> NOT_IN_STAGES = Map.of("output", "the run directory itself");

    @TempDir
    static Path tmp;
    static final List<Path> RECIPES = new ArrayList<>();

    @BeforeAll
    static void recipes() throws Exception {
        RECIPES.add(Path.of("../recipes/demo.yaml"));
        RECIPES.add(Path.of("../recipes/muse-demo.yaml"));
        new SynthWorld(3, 1).write(tmp.resolve("tofu"));
        new SynthNews(4, 1, 1, 1).write(tmp.resolve("news"), List.of());
        for (String ck : List.of("ck", "ck2")) {
            Files.createDirectories(tmp.resolve(ck));
            Files.writeString(tmp.resolve(ck).resolve("config.json"), "{\"model_type\": \"llama\", \"name\": \"" + ck + "\"}");
        }
        Path tofu = tmp.resolve("tofu.yaml");
        Files.writeString(tofu, """
                name: tofu-folder
                data: {tofu: {dir: tofu, forget_split: forget10}}
                model: {checkpoint: ck, template: plain}
                finetune: {max_steps: 3, lr: 0.003}
                methods:
                  - {method: ga, train: {max_steps: 3, lr: 0.001}}
                eval: {suites: [tofu]}
                """);
        RECIPES.add(tofu);
        Path muse = tmp.resolve("muse.yaml");
        Files.writeString(muse, """
                name: muse-folder
                data: {muse: {dir: news, chunk_tokens: 64}}
                model: {checkpoint: ck, finetuned: true, retain_checkpoint: ck2, template: plain}
                methods:
                  - {method: npo, train: {max_steps: 3, lr: 0.001}}
                eval: {suites: [muse]}
                """);
        RECIPES.add(muse);
    }

    /** A key path and the type of its value. */
    record Key(String path, Class<?> type) {}

    /** Every leaf key of a recipe (a method run as {@code methods.0}; a method's {@code config} is the method's). */
    static List<Key> keys() {
        List<Key> out = new ArrayList<>();
        keys(Recipe.class, "", out);
        return out;
    }

    private static void keys(Class<?> type, String prefix, List<Key> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            JsonProperty jp = c.getAccessor().getAnnotation(JsonProperty.class);
            if (jp == null) {
                jp = c.getAnnotation(JsonProperty.class);
            }
            String path = prefix + (jp != null ? jp.value() : c.getName());
            Class<?> t = c.getType();
            if (t == TrainSettings.class) {
                trainKeys(path + ".", out);
            } else if (t == MethodTrain.class) {
                trainKeys(path + ".", out);
                out.add(new Key(path + ".lora.rank", Integer.class));
                out.add(new Key(path + ".lora.alpha", Double.class));
                out.add(new Key(path + ".lora.dropout", Double.class));
                out.add(new Key(path + ".lora.targets", List.class));
                out.add(new Key(path + ".export", String.class));
                out.add(new Key(path + ".precision", String.class));
                out.add(new Key(path + ".reference_cache_mb", Integer.class));
            } else if (path.equals("methods")) {
                keys(Recipe.MethodRun.class, "methods.0.", out);
            } else if (t.isRecord()) {
                keys(t, path + ".", out);
            } else if (t != Map.class) {
                out.add(new Key(path, t));
            }
        }
    }

    private static void trainKeys(String prefix, List<Key> out) {
        Map<String, Object> d = TrainSettings.DEFAULTS.toMap();
        for (String k : TrainSettings.KEYS) {
            out.add(new Key(prefix + k, d.get(k).getClass()));
        }
    }

    /** Values to try, in order; the first few that load and differ from the file's are used. */
    static List<String> candidates(Key k) {
        String last = k.path().substring(k.path().lastIndexOf('.') + 1);
        Map<String, List<String>> named = Map.ofEntries(
                Map.entry("template", List.of("chatml", "plain", "llama2")),
                Map.entry("device", List.of("cpu")),
                Map.entry("forget_split", List.of("forget05", "forget01")),
                Map.entry("retain_split", List.of("retain95", "retain99")),
                Map.entry("layout", List.of("line", "paragraph")),
                Map.entry("model_type", List.of("qwen2", "mistral")),
                Map.entry("schedule", List.of("cosine", "linear", "constant")),
                Map.entry("attention_mask", List.of("pad_token", "length")),
                Map.entry("precision", List.of("bf16", "fp32")),
                Map.entry("export", List.of("peft", "merged")),
                Map.entry("name", List.of("renamed")),
                Map.entry("method", List.of("graddiff", "simnpo")),
                Map.entry("output", List.of("../elsewhere")),
                Map.entry("checkpoint", List.of("ck2")),
                Map.entry("retain_checkpoint", List.of("ck")),
                Map.entry("dir", List.of("tofu", "news")),
                Map.entry("forget_corpus", List.of("raw/retain2.txt")),
                Map.entry("retain_corpus", List.of("raw/retain2.txt")),
                Map.entry("holdout_corpus", List.of("raw/retain1.txt")),
                Map.entry("forget_qa", List.of("knowmem/retain_qa.json")),
                Map.entry("retain_qa", List.of("knowmem/forget_qa.json")),
                Map.entry("suites", List.of("[tofu]", "[tofu, mia]", "[muse]", "[muse, leakage]")),
                Map.entry("targets", List.of("[q_proj, v_proj]", "all")));
        if (named.containsKey(last)) {
            return named.get(last);
        }
        Class<?> t = k.type();
        if (t == Integer.class || t == Long.class) {
            return List.of("2", "3", "4", "8", "16", "1", "100");
        }
        if (t == Double.class) {
            return List.of("0.5", "0.25", "0.01", "0.002", "2.0");
        }
        if (t == Boolean.class) {
            return List.of("true", "false");
        }
        return List.of("other");
    }

    /** Stage name to fingerprint digest of the plan of {@code recipe} with {@code sets} applied. */
    static Map<String, String> plan(Path recipe, List<String> sets) {
        Recipe r = RecipeLoader.load(recipe, sets);
        Map<String, String> out = new TreeMap<>();
        new RunPipeline(new DefaultSteps((java.io.PrintStream) null), new PrintWriter(new StringWriter()))
                .plan(r, recipe.toAbsolutePath().getParent(), tmp.resolve("no-run-yet"), null)
                .forEach(p -> out.put(p.name(), p.digest()));
        return out;
    }

    /**
     * The value at a dotted path of the recipe file; for a training key the file leaves out, its default (setting
     * a key to the value it has changes nothing, rightly); else null.
     */
    static String valueAt(Path recipe, String path) throws Exception {
        JsonNode n = YAML.readTree(recipe.toFile());
        for (String seg : path.split("\\.")) {
            n = n.isArray() ? n.path(Integer.parseInt(seg)) : n.path(seg);
        }
        if (!n.isMissingNode()) {
            return n.asText();
        }
        String last = path.substring(path.lastIndexOf('.') + 1);
        boolean train = path.startsWith("finetune.") || path.matches("methods\\.\\d+\\.train\\.[a-z_]+");
        Object d = TrainSettings.DEFAULTS.toMap().get(last);
        return train && d != null ? YAML.valueToTree(d).asText() : null;
    }

    @Test
    void everyKeyChangesAStageOrIsRefused() throws Exception {
        List<String> dropped = new ArrayList<>();
        Map<String, Integer> changing = new LinkedHashMap<>();
        for (Path recipe : RECIPES) {
            Map<String, String> base = plan(recipe, List.of());
            for (Key k : keys()) {
                String current = valueAt(recipe, k.path());
                int loaded = 0;
                boolean changed = false;
                for (String v : candidates(k)) {
                    if (YAML.readTree(v).asText().equals(current)) {
                        continue;
                    }
                    Map<String, String> p;
                    try {
                        p = plan(recipe, List.of(k.path() + "=" + v));
                    } catch (InvalidInputException ex) {
                        continue; // refused: nothing is dropped
                    }
                    loaded++;
                    if (!p.equals(base)) {
                        changed = true;
                        break;
                    }
                }
                if (changed) {
                    changing.merge(k.path(), 1, Integer::sum);
                } else if (loaded > 0 && !NOT_IN_STAGES.containsKey(k.path())) {
                    dropped.add(recipe.getFileName() + ": " + k.path());
                }
            }
        }
        assertEquals(List.of(), dropped, "keys that load but change no stage's fingerprint");
        // the test reaches the keys: most of them change a stage in some recipe
        assertTrue(changing.size() >= keys().size() * 3 / 4, changing.size() + " of " + keys().size() + ": " + changing.keySet());
    }
}

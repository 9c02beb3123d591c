package dev.unlearn.cli.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.recipe.MethodTrain;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.train.TrainSettings;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No key of a deployment's policy file is silently dropped: each key, given two different values that load,
 * gives two different {@link RequestPolicy}s, the object {@link RequestWorkflow} takes its method, config,
 * training settings, thresholds and verification interval from. And a policy's {@code train} section binds
 * to the same {@link MethodTrain} as the same section in a recipe's method run, whose keys
 * {@code RecipeKeysReachStagesTest} follows into the stages.
 *
 * <p>The keys come from the file's own types ({@link PolicySet.Spec}, {@link MethodTrain#keys()} and its
 * {@code lora} record, {@link DeletionRequest.Thresholds}), so a key added to them is checked too.
 */
class PolicyKeysReachThePolicyTest {
    static final String THRESHOLDS = "{max_forget_probability: 0.3, max_forget_rouge: 0.7, mia_auc_band: 0.25,"
            + " max_extraction_rate: 0.2, max_utility_drop: 0.3}";

    /** Training every weight in float32. */
    static final String FULL = "{method: npo, config: {beta: 0.1}, train: {lr: 1.0e-3, max_steps: 8},"
            + " thresholds: " + THRESHOLDS + ", verify_every: 2}";

    /** LoRA adapters on a bf16 base. */
    static final String LORA = "{method: npo, train: {lr: 1.0e-3, max_steps: 8, precision: bf16,"
            + " lora: {rank: 4, alpha: 8.0, dropout: 0.0, targets: [q_proj, v_proj]}}, thresholds: " + THRESHOLDS + "}";

    @TempDir Path dir;

    /** Every leaf key path of a policy, below {@code policies.p}. */
    static List<String> keys() {
        Set<String> out = new LinkedHashSet<>();
        for (RecordComponent c : PolicySet.Spec.class.getRecordComponents()) {
            String name = json(c);
            switch (name) {
                case "train" -> MethodTrain.keys().forEach(k -> {
                    if (k.equals("lora")) {
                        for (RecordComponent l : MethodTrain.Lora.class.getRecordComponents()) {
                            out.add("train.lora." + json(l));
                        }
                    } else {
                        out.add("train." + k);
                    }
                });
                case "thresholds" -> {
                    for (RecordComponent t : DeletionRequest.Thresholds.class.getRecordComponents()) {
                        out.add("thresholds." + json(t));
                    }
                }
                case "config" -> out.add("config.beta"); // the method's own keys: bound by the method (ConfigBinder)
                default -> out.add(name);
            }
        }
        return new ArrayList<>(out);
    }

    static String json(RecordComponent c) {
        JsonProperty jp = c.getAccessor().getAnnotation(JsonProperty.class);
        if (jp == null) {
            jp = c.getAnnotation(JsonProperty.class);
        }
        return jp != null ? jp.value() : c.getName().replaceAll("([A-Z])", "_$1").toLowerCase();
    }

    /** Values to try for a key, as YAML; the first two that load are compared. */
    static List<String> candidates(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        Map<String, List<String>> named = Map.ofEntries(
                Map.entry("method", List.of("npo", "simnpo")),
                Map.entry("schedule", List.of("constant", "cosine", "linear")),
                Map.entry("attention_mask", List.of("length", "pad_token")),
                Map.entry("precision", List.of("bf16", "fp16", "fp32")),
                Map.entry("export", List.of("merged", "peft")),
                Map.entry("targets", List.of("[q_proj, v_proj]", "all")),
                Map.entry("grad_checkpointing", List.of("false", "true")),
                Map.entry("verify_every", List.of("2", "3")));
        if (named.containsKey(last)) {
            return named.get(last);
        }
        Object d = TrainSettings.DEFAULTS.toMap().get(last);
        if (key.startsWith("train.") && (d instanceof Integer || d instanceof Long)
                || key.endsWith("rank") || key.endsWith("reference_cache_mb")) {
            return List.of("2", "3", "4", "8", "16");
        }
        return List.of("0.1", "0.15", "0.2", "0.05", "0.5");
    }

    /** The policy {@code base} with {@code value} at {@code key}, as {@link PolicySet#load} reads it; null when refused. */
    RequestPolicy load(String base, String key, String value) throws Exception {
        ObjectNode policy = (ObjectNode) PolicySet.YAML.readTree(base);
        String[] parts = key.split("\\.");
        ObjectNode at = policy;
        for (int i = 0; i < parts.length - 1; i++) {
            at = at.has(parts[i]) ? (ObjectNode) at.get(parts[i]) : at.putObject(parts[i]);
        }
        at.set(parts[parts.length - 1], PolicySet.YAML.readTree(value));
        ObjectNode file = PolicySet.YAML.createObjectNode();
        file.putObject("policies").set("p", policy);
        Path f = dir.resolve("policies.yaml");
        PolicySet.YAML.writeValue(f.toFile(), file);
        try {
            return PolicySet.load(f).named("p");
        } catch (InvalidInputException ex) {
            return null;
        }
    }

    @Test
    void everyKeyChangesThePolicyOrIsRefused() throws Exception {
        List<String> dropped = new ArrayList<>();
        List<String> untested = new ArrayList<>();
        assertTrue(keys().containsAll(List.of("method", "verify_every", "train.lr", "train.reference_cache_mb",
                "train.lora.targets", "thresholds.mia_auc_band")), keys().toString());
        for (String key : keys()) {
            boolean compared = false;
            for (String base : List.of(FULL, LORA)) {
                List<RequestPolicy> loaded = new ArrayList<>();
                for (String v : candidates(key)) {
                    RequestPolicy p = load(base, key, v);
                    if (p != null) {
                        loaded.add(p);
                    }
                    if (loaded.size() == 2) {
                        break;
                    }
                }
                if (loaded.size() == 2) {
                    compared = true;
                    if (loaded.get(0).equals(loaded.get(1))) {
                        dropped.add(key + (base == FULL ? " (full weights)" : " (LoRA)"));
                    }
                }
            }
            if (!compared) {
                untested.add(key);
            }
        }
        assertEquals(List.of(), dropped, "policy keys whose value does not reach the policy");
        // a key no two values of which load is refused outright: export alone (a request publishes a merged model)
        assertEquals(List.of("train.export"), untested, "keys the test could not compare");
    }

    @Test
    void aPolicysTrainSectionIsARecipeMethodRunsTrain() throws Exception {
        String train = "{lr: 1.0e-3, max_steps: 8, batch_size: 2, grad_accum: 2, schedule: cosine, warmup_steps: 1,"
                + " attention_mask: pad_token, precision: bf16, lora: {rank: 4, alpha: 8.0, targets: all}}";
        RequestPolicy p = load(LORA, "train", train);
        assertTrue(p != null, "the policy loads");
        Path recipe = dir.resolve("recipe.yaml");
        Files.writeString(recipe, "name: r\ndata: {builtin: {authors: 2, seed: 0}}\n"
                + "model: {init: {hidden_size: 16, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 32}}\n"
                + "methods:\n  - {method: npo, train: " + train + "}\n");
        Recipe r = RecipeLoader.load(recipe);
        assertEquals(r.methods().get(0).train(), p.training());
        JsonNode lr = PolicySet.YAML.readTree(train).get("lr");
        assertEquals(lr.doubleValue(), p.train().learningRate());
    }

    /** A verification interval longer than the run would never verify while it trains: refused, naming both keys. */
    @Test
    void verifyEveryBeyondMaxStepsIsRefused() throws Exception {
        assertTrue(load(FULL, "verify_every", "8") != null, "every 8 of 8 steps: the last step is measured");
        assertTrue(load(FULL, "verify_every", "9") == null);
        Path f = dir.resolve("policies.yaml");
        Files.writeString(f, "policies:\n  p: " + FULL.replace("verify_every: 2", "verify_every: 9") + "\n");
        InvalidInputException ex = assertThrows(InvalidInputException.class, () -> PolicySet.load(f));
        assertTrue(ex.getMessage().contains("policies.p.verify_every: 9 is more than train.max_steps 8"), ex.getMessage());
        assertTrue(load(FULL.replace("max_steps: 8", "max_steps: 0, epochs: 1"), "verify_every", "9") != null,
                "max_steps 0 (by epochs): the step count is known only from the data");
    }
}

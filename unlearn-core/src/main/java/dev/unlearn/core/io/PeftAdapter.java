package dev.unlearn.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LoraAdapters;
import dev.unlearn.core.model.LoraConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Hugging Face {@code peft} LoRA adapter directory, written and read as PEFT 0.20.0 does
 * ({@code PeftModel.save_pretrained} with {@code safe_serialization=True}):
 * <ul>
 *   <li>{@code adapter_config.json}: {@code LoraConfig.to_dict()} (every dataclass field but
 *       {@code runtime_config}, keys sorted, {@code inference_mode: true} as save_pretrained sets it,
 *       {@code peft_type: "LORA"}, {@code task_type: "CAUSAL_LM"});</li>
 *   <li>{@code adapter_model.safetensors}: {@code get_peft_model_state_dict} — for {@code bias: "none"}
 *       only the {@code lora_} tensors, the adapter name removed, e.g.
 *       {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight} {@code [r, in]} and
 *       {@code ...lora_B.weight} {@code [out, r]}, metadata {@code {"format": "pt"}}.</li>
 * </ul>
 * {@code peft.PeftModel.from_pretrained(base, dir)} loads such a directory. Reading accepts what plain
 * LoRA needs and refuses, naming the key, the variants this toolkit does not compute (DoRA, biases,
 * fan_in_fan_out, rank/alpha patterns, layer subsets, modules_to_save).
 */
public final class PeftAdapter {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    /** The PEFT release whose layout this class follows. */
    public static final String PEFT_VERSION = "0.20.0";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PeftAdapter() {}

    /** The {@code adapter_config.json} object PEFT 0.20.0 writes for these adapters, keys sorted. */
    public static ObjectNode configJson(LoraAdapters a, String baseModelNameOrPath) {
        LoraConfig c = a.config();
        TreeMap<String, Object> m = new TreeMap<>();
        for (String k : List.of("alora_invocation_tokens", "arrow_config", "auto_mapping", "corda_config", "eva_config",
                "exclude_modules", "layer_replication", "layers_pattern", "layers_to_transform", "lora_ga_config",
                "megatron_config", "modules_to_save", "monteclora_config", "revision", "target_parameters",
                "trainable_token_indices", "use_bdlora", "velora_config")) {
            m.put(k, null);
        }
        m.put("alpha_pattern", new LinkedHashMap<>());
        m.put("rank_pattern", new LinkedHashMap<>());
        m.put("loftq_config", new LinkedHashMap<>());
        m.put("base_model_name_or_path", baseModelNameOrPath);
        m.put("bias", "none");
        m.put("ensure_weight_tying", false);
        m.put("fan_in_fan_out", false);
        m.put("inference_mode", true);
        m.put("init_lora_weights", true);
        m.put("lora_alpha", c.alpha() == Math.rint(c.alpha()) ? (Object) (long) c.alpha() : (Object) c.alpha());
        m.put("lora_bias", false);
        m.put("lora_dropout", c.dropout());
        m.put("megatron_core", "megatron.core");
        m.put("peft_type", "LORA");
        m.put("peft_version", PEFT_VERSION);
        m.put("qalora_group_size", 16);
        m.put("r", c.rank());
        m.put("target_modules", a.modules());
        m.put("task_type", "CAUSAL_LM");
        m.put("use_dora", false);
        m.put("use_qalora", false);
        m.put("use_rslora", c.rslora());
        return JSON.valueToTree(m);
    }

    /**
     * Writes the adapters of {@code model} as a PEFT adapter directory at {@code outDir} (atomically: a
     * temporary directory beside it, then a rename; an existing {@code outDir} is replaced; refused when
     * it is the base's directory), stored as float32, with the tokenizer files of {@code tokenizerSourceDir} copied through when given.
     *
     * @param baseModelNameOrPath what {@code base_model_name_or_path} says (the base checkpoint)
     */
    public static void save(CausalLm model, Path outDir, String baseModelNameOrPath, Path tokenizerSourceDir) {
        save(model, outDir, baseModelNameOrPath, tokenizerSourceDir, DataType.FLOAT32);
    }

    /** As {@link #save(CausalLm, Path, String, Path)}, the tensors stored as {@code storeType} (FLOAT32 or BFLOAT16). */
    public static void save(CausalLm model, Path outDir, String baseModelNameOrPath, Path tokenizerSourceDir,
            DataType storeType) {
        SafetensorsWriter.dtypeName(storeType);
        LoraAdapters a = model.adapters();
        if (a == null) {
            throw new InvalidInputException("the model has no LoRA adapters to export");
        }
        Path target = outDir.toAbsolutePath().normalize();
        if (tokenizerSourceDir != null && Files.exists(target) && Files.exists(tokenizerSourceDir)) {
            try {
                if (Files.isSameFile(target, tokenizerSourceDir)) {
                    throw new InvalidInputException(outDir + ": refusing to overwrite the base model directory; save to a new directory");
                }
            } catch (IOException ex) {
                throw new UnlearnException("cannot compare " + outDir + " and " + tokenizerSourceDir + ": " + ex.getMessage(), ex);
            }
        }
        Path parentDir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(parentDir);
            tmp = StagingDirs.create(parentDir, "." + target.getFileName() + ".tmp-");
            Files.writeString(tmp.resolve(CONFIG), JSON.writeValueAsString(configJson(a, baseModelNameOrPath)) + "\n");
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            a.parameters().forEach((n, p) -> tensors.put(n, p.stopGradient()));
            try {
                SafetensorsWriter.write(tmp.resolve(WEIGHTS), tensors, storeType);
            } finally {
                tensors.values().forEach(NDArray::close);
            }
            if (tokenizerSourceDir != null) {
                for (String f : Checkpoint.TOKENIZER_FILES) {
                    Path src = tokenizerSourceDir.resolve(f);
                    if (Files.isRegularFile(src)) {
                        Files.copy(src, tmp.resolve(f));
                    }
                }
            }
            StagingDirs.swapIn(tmp, target);
            tmp = null;
        } catch (IOException ex) {
            throw new UnlearnException("cannot save the adapter to " + outDir + ": " + ex.getMessage(), ex);
        } finally {
            if (tmp != null) {
                StagingDirs.deleteTree(tmp);
            }
        }
    }

    /** Whether {@code dir} holds a PEFT adapter ({@code adapter_config.json}). */
    public static boolean isAdapterDir(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG));
    }

    /**
     * The LoRA settings of an adapter directory's {@code adapter_config.json}; targets are the module
     * names it lists ({@code all-linear} as {@code all}; the tensors decide in the end).
     *
     * @throws InvalidInputException naming the file and key for a missing, malformed or unsupported value
     */
    public static LoraConfig readConfig(Path dir) {
        Path f = dir.resolve(CONFIG);
        JsonNode n;
        try {
            n = JSON.readTree(f.toFile());
        } catch (IOException ex) {
            throw new InvalidInputException(f + " is not readable JSON: " + ParseErrors.describe(ex), ex);
        }
        if (n == null || !n.isObject()) {
            throw new InvalidInputException(f + ": expected a JSON object");
        }
        String type = n.path("peft_type").asText("");
        if (!type.equals("LORA")) {
            throw new InvalidInputException(f + ": 'peft_type' is '" + type + "'; only LORA adapters can be loaded");
        }
        refuseTrue(n, f, "use_dora", "DoRA is not implemented");
        refuseTrue(n, f, "fan_in_fan_out", "only nn.Linear layouts (fan_in_fan_out false) are supported");
        refuseTrue(n, f, "lora_bias", "LoRA biases are not implemented");
        refuseTrue(n, f, "use_qalora", "QA-LoRA is not implemented");
        if (n.hasNonNull("bias") && !n.get("bias").asText().equals("none")) {
            throw new InvalidInputException(f + ": 'bias' is '" + n.get("bias").asText() + "'; only \"none\" is supported");
        }
        for (String k : List.of("rank_pattern", "alpha_pattern")) {
            if (n.hasNonNull(k) && n.get(k).size() > 0) {
                throw new InvalidInputException(f + ": '" + k + "' is not empty; per-module ranks and alphas are not supported");
            }
        }
        for (String k : List.of("layers_to_transform", "layer_replication", "modules_to_save", "trainable_token_indices",
                "target_parameters")) {
            if (n.hasNonNull(k) && !(n.get(k).isArray() && n.get(k).isEmpty())) {
                throw new InvalidInputException(f + ": '" + k + "' is set; it is not supported here");
            }
        }
        JsonNode r = n.get("r");
        if (r == null || !r.isIntegralNumber() || !r.canConvertToInt()) {
            throw new InvalidInputException(f + ": 'r' must be an integer of 32 bits, found " + r);
        }
        JsonNode alpha = n.get("lora_alpha");
        if (alpha == null || !alpha.isNumber()) {
            throw new InvalidInputException(f + ": 'lora_alpha' must be a number, found " + alpha);
        }
        JsonNode drop = n.get("lora_dropout");
        if (drop != null && !drop.isNull() && !drop.isNumber()) {
            throw new InvalidInputException(f + ": 'lora_dropout' must be a number, found " + drop);
        }
        List<String> targets = new ArrayList<>();
        JsonNode t = n.get("target_modules");
        if (t != null && t.isArray()) {
            for (JsonNode x : t) {
                String s = x.asText();
                // PEFT's all-linear expansion stores full module paths ("model.layers.0.self_attn.q_proj")
                String shortName = s.substring(s.lastIndexOf('.') + 1);
                if (!targets.contains(shortName)) {
                    targets.add(shortName);
                }
            }
        } else if (t != null && t.isTextual() && t.asText().equals("all-linear")) {
            targets.add("all");
        }
        try {
            return new LoraConfig(r.intValue(), alpha.doubleValue(), drop == null || drop.isNull() ? 0 : drop.doubleValue(),
                    targets, n.path("use_rslora").asBoolean(false));
        } catch (InvalidInputException ex) {
            throw new InvalidInputException(f + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Attaches the adapter in {@code dir} to {@code model} (which must have none), as the starting point of
     * a run: its settings from {@code adapter_config.json} (dropout replaced by {@code dropout} when that
     * is not null), its A and B from {@code adapter_model.safetensors}; the base freezes.
     */
    public static LoraAdapters load(CausalLm model, Path dir, Double dropout) {
        LoraConfig c = readConfig(dir);
        if (dropout != null) {
            c = new LoraConfig(c.rank(), c.alpha(), dropout, c.targets(), c.rslora());
        }
        Path w = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(w)) {
            throw new InvalidInputException(dir + ": no " + WEIGHTS + " (only safetensors adapters are read)");
        }
        try (NDManager s = model.manager().newSubManager(); SafetensorsReader r = SafetensorsReader.open(w)) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            for (String name : r.tensors().keySet()) {
                t.put(name, r.readFloat32(name, s));
            }
            try {
                return model.attachAdapters(c, t);
            } catch (InvalidInputException ex) {
                throw new InvalidInputException(w + ": " + ex.getMessage(), ex);
            }
        }
    }

    private static void refuseTrue(JsonNode n, Path f, String key, String why) {
        if (n.path(key).asBoolean(false)) {
            throw new InvalidInputException(f + ": '" + key + "' is true; " + why);
        }
    }
}

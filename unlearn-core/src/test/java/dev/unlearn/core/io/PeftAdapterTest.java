package dev.unlearn.core.io;

import dev.unlearn.core.testing.Adapters;
import dev.unlearn.core.testing.EngineTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LoraAdapters;
import dev.unlearn.core.model.LoraConfig;
import dev.unlearn.core.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merged and PEFT exports of LoRA adapters, and reading a PEFT adapter back. */
class PeftAdapterTest extends EngineTest {
    static final ModelConfig LLAMA = ModelConfig.llama(32, 2, 4, 2, 48, 61);
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Every key of {@code LoraConfig.to_dict()} in PEFT 0.20.0 (the dataclass fields of PeftConfigMixin,
     * PeftConfig and LoraConfig, less runtime_config), written independently of the production table.
     */
    static final Set<String> PEFT_0_20_KEYS = new TreeSet<>(List.of("task_type", "peft_type", "auto_mapping",
            "peft_version", "base_model_name_or_path", "revision", "inference_mode", "r", "target_modules",
            "exclude_modules", "lora_alpha", "lora_dropout", "fan_in_fan_out", "bias", "use_rslora", "modules_to_save",
            "init_lora_weights", "layers_to_transform", "layers_pattern", "rank_pattern", "alpha_pattern",
            "megatron_config", "megatron_core", "trainable_token_indices", "loftq_config", "eva_config", "corda_config",
            "lora_ga_config", "use_dora", "velora_config", "alora_invocation_tokens", "use_qalora", "qalora_group_size",
            "monteclora_config", "layer_replication", "lora_bias", "target_parameters", "use_bdlora", "arrow_config",
            "ensure_weight_tying"));

    static NDArray ids(NDManager m) {
        Random r = new Random(5);
        long[] a = new long[2 * 8];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt(61);
        }
        return m.create(a, new Shape(2, 8));
    }

    @Test
    void mergedExportIsBasePlusScaledBTimesARecomputedInJava(@TempDir Path tmp) {
        Path out = tmp.resolve("merged");
        Map<String, float[]> base = new LinkedHashMap<>();
        Map<String, float[]> as = new HashMap<>();
        Map<String, float[]> bs = new HashMap<>();
        Map<String, Shape> shapes = new HashMap<>();
        double scale;
        int r = 4;
        try (CausalLm lm = CausalLm.random(LLAMA, root, Device.cpu(), 8)) {
            LoraAdapters a = lm.attachAdapters(new LoraConfig(r, 12, 0, List.of("all"), false), 3);
            Adapters.randomB(a, 6);
            scale = a.scale();
            assertEquals(3.0, scale);
            lm.parameters().forEach((n, p) -> {
                base.put(n, p.toFloatArray());
                shapes.put(n, p.getShape());
            });
            for (String w : a.adaptedWeights()) {
                as.put(w, a.a(w).toFloatArray());
                bs.put(w, a.b(w).toFloatArray());
            }
            lm.mergeAdapters();
            Checkpoint.save(lm, out, null, DataType.FLOAT32);
        }
        int adapted = 0;
        try (SafetensorsReader rd = SafetensorsReader.open(out.resolve(Checkpoint.WEIGHTS))) {
            assertEquals(base.keySet(), rd.tensors().keySet());
            for (Map.Entry<String, float[]> e : base.entrySet()) {
                float[] got = SafetensorsReader.toFloats("F32", rd.rawBytes(e.getKey()));
                float[] w = e.getValue();
                if (!as.containsKey(e.getKey())) {
                    assertArrayEquals(w, got, e.getKey() + " is not adapted and must be unchanged");
                    continue;
                }
                adapted++;
                float[] aa = as.get(e.getKey());
                float[] bb = bs.get(e.getKey());
                int rows = (int) shapes.get(e.getKey()).get(0);
                int cols = (int) shapes.get(e.getKey()).get(1);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        float dot = 0f;
                        float mag = 0f;
                        for (int k = 0; k < r; k++) {
                            dot += bb[i * r + k] * aa[k * cols + j];
                            mag += Math.abs(bb[i * r + k] * aa[k * cols + j]);
                        }
                        float want = w[i * cols + j] + (float) scale * dot;
                        // float32 rounding of an r-term dot product, the scaling and the sum, in any order
                        double tol = (r + 3) * Math.ulp(1f) * (Math.abs(w[i * cols + j]) + scale * mag);
                        float g = got[i * cols + j];
                        assertTrue(Math.abs(g - want) <= tol, e.getKey() + "[" + i + "," + j + "]: " + g + " vs " + want
                                + " (tol " + tol + ")");
                    }
                }
            }
        }
        assertEquals(2 * 7, adapted);
    }

    @Test
    void peftExportReadBackGivesIdenticalLogitsWithPeftNamesAndConfig(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("adapter");
        float[] want;
        List<String> names;
        try (CausalLm lm = CausalLm.random(LLAMA, root, Device.cpu(), 8); NDManager s = root.newSubManager()) {
            LoraAdapters a = lm.attachAdapters(new LoraConfig(2, 16, 0.05, List.of("q_proj", "v_proj", "o_proj"), false), 1);
            Adapters.randomB(a, 2);
            names = new ArrayList<>(a.parameters().keySet());
            want = lm.forward(ids(s), null, false).logits().toFloatArray();
            PeftAdapter.save(lm, out, "runs/full", null);
        }
        JsonNode cfg = JSON.readTree(out.resolve("adapter_config.json").toFile());
        Set<String> keys = new TreeSet<>();
        cfg.fieldNames().forEachRemaining(keys::add);
        assertEquals(PEFT_0_20_KEYS, keys);
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
        assertEquals(2, cfg.get("r").asInt());
        assertTrue(cfg.get("r").isIntegralNumber() && cfg.get("lora_alpha").isIntegralNumber());
        assertEquals(16, cfg.get("lora_alpha").asInt());
        assertEquals(0.05, cfg.get("lora_dropout").asDouble());
        assertEquals("none", cfg.get("bias").asText());
        assertEquals("runs/full", cfg.get("base_model_name_or_path").asText());
        assertEquals(List.of("q_proj", "v_proj", "o_proj"), JSON.convertValue(cfg.get("target_modules"), List.class));
        List<String> sorted = new ArrayList<>();
        Iterator<String> it = cfg.fieldNames();
        it.forEachRemaining(sorted::add);
        assertEquals(new ArrayList<>(new TreeSet<>(sorted)), sorted, "json.dumps(sort_keys=True) order");
        try (SafetensorsReader rd = SafetensorsReader.open(out.resolve("adapter_model.safetensors"))) {
            assertEquals(Map.of("format", "pt"), rd.metadata());
            assertEquals(Set.copyOf(names), rd.tensors().keySet());
            assertEquals(3 * 2 * 2, names.size());
            SafetensorsReader.TensorInfo qa = rd.tensors().get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
            assertEquals("F32", qa.dtype());
            assertArrayEquals(new long[] {2, 32}, qa.shape());
            SafetensorsReader.TensorInfo vb = rd.tensors().get("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight");
            assertArrayEquals(new long[] {2 * 8, 2}, vb.shape());
        }
        assertTrue(PeftAdapter.isAdapterDir(out));
        LoraConfig back = PeftAdapter.readConfig(out);
        assertEquals(new LoraConfig(2, 16, 0.05, List.of("q_proj", "v_proj", "o_proj"), false), back);
        try (CausalLm lm = CausalLm.random(LLAMA, root, Device.cpu(), 8); NDManager s = root.newSubManager()) {
            LoraAdapters a = PeftAdapter.load(lm, out, null);
            assertEquals(List.of("q_proj", "v_proj", "o_proj"), a.modules());
            assertEquals(8.0, a.scale());
            assertArrayEquals(want, lm.forward(ids(s), null, false).logits().toFloatArray());
        }
    }

    @Test
    void unsupportedAdapterVariantsAreRefusedNamingTheKey(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("adapter");
        try (CausalLm lm = CausalLm.random(LLAMA, root, Device.cpu(), 8)) {
            lm.attachAdapters(LoraConfig.of(2), 1);
            PeftAdapter.save(lm, out, "base", null);
        }
        for (String[] kv : new String[][] {{"use_dora", "true"}, {"bias", "\"all\""}, {"fan_in_fan_out", "true"},
                {"rank_pattern", "{\"q_proj\": 4}"}, {"peft_type", "\"IA3\""}, {"r", "\"eight\""},
                {"r", "4294967298"}}) { // a rank beyond 32 bits is refused, not wrapped to 2
            ObjectNode c = (ObjectNode) JSON.readTree(out.resolve("adapter_config.json").toFile());
            c.set(kv[0], JSON.readTree(kv[1]));
            Path d = tmp.resolve("bad-" + kv[0]);
            Files.createDirectories(d);
            Files.writeString(d.resolve("adapter_config.json"), c.toString());
            InvalidInputException ex = assertThrows(InvalidInputException.class, () -> PeftAdapter.readConfig(d));
            assertTrue(ex.getMessage().contains("'" + kv[0] + "'"), ex.getMessage());
        }
        // tensors of another rank than the config says
        ObjectNode c = (ObjectNode) JSON.readTree(out.resolve("adapter_config.json").toFile());
        c.put("r", 3);
        Path d = tmp.resolve("rank");
        Files.createDirectories(d);
        Files.writeString(d.resolve("adapter_config.json"), c.toString());
        Files.copy(out.resolve("adapter_model.safetensors"), d.resolve("adapter_model.safetensors"));
        try (CausalLm lm = CausalLm.random(LLAMA, root, Device.cpu(), 8)) {
            InvalidInputException ex = assertThrows(InvalidInputException.class, () -> PeftAdapter.load(lm, d, null));
            assertTrue(ex.getMessage().contains("rank 3"), ex.getMessage());
        }
    }
}

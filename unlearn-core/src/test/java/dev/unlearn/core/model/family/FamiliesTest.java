package dev.unlearn.core.model.family;

import dev.unlearn.core.testing.EngineTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.SafetensorsReader;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.KvCache;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.ParameterTable;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every registered family: config keys, tensor table, cache and padding consistency, round trip. */
class FamiliesTest extends EngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Small configs of every family, windows short enough that 14-token prompts cross them. */
    static Stream<ModelConfig> configs() {
        ObjectNode llama3 = ModelConfig.llama(32, 2, 4, 2, 48, 97).json();
        llama3.put("rope_theta", 500000.0);
        llama3.set("rope_scaling", JSON.valueToTree(Map.of("rope_type", "llama3", "factor", 32.0,
                "low_freq_factor", 1.0, "high_freq_factor", 4.0, "original_max_position_embeddings", 8)));
        return Stream.of(
                ModelConfig.example("llama", 32, 2, 4, 2, 48, 97),
                ModelConfig.of(llama3, "llama3-scaled"),
                ModelConfig.example("llama", 32, 2, 4, 2, 48, 97)
                        .with("rope_scaling", Map.of("rope_type", "linear", "factor", 4.0)),
                ModelConfig.example("qwen2", 32, 2, 4, 2, 48, 97),
                ModelConfig.example("qwen3", 32, 2, 4, 2, 48, 97).with("head_dim", 16),
                ModelConfig.example("mistral", 32, 2, 4, 2, 48, 97).with("sliding_window", 5),
                ModelConfig.example("gemma2", 32, 3, 4, 2, 48, 97).with("sliding_window", 4)
                        .with("attn_logit_softcapping", 0.05).with("final_logit_softcapping", 0.3),
                ModelConfig.example("phi3", 32, 2, 4, 2, 48, 97).with("sliding_window", 6));
    }

    static long[] ids(int n, long seed, int vocab) {
        Random r = new Random(seed);
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(vocab);
        }
        return a;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void cacheAndPaddingMatchTheFullForward(ModelConfig cfg) {
        try (CausalLm lm = CausalLm.random(cfg, root, Device.cpu(), 11); NDManager m = root.newSubManager()) {
            int t = 14;
            long[] a = ids(t, 1, cfg.vocabSize());
            NDArray x = m.create(a, new Shape(1, t));
            float[] full = lm.forward(x, null, false).logits().toFloatArray();
            try (KvCache cache = lm.newCache(m)) {
                NDList parts = new NDList();
                parts.add(lm.forwardIncremental(x.get(new NDIndex(":, :3")), cache).logits());
                parts.add(lm.forwardIncremental(x.get(new NDIndex(":, 3:9")), cache).logits());
                for (int i = 9; i < t; i++) {
                    parts.add(lm.forwardIncremental(x.get(new NDIndex(":, {}:{}", i, i + 1)), cache).logits());
                }
                double d = maxAbsDiff(full, NDArrays.concat(parts, 1).toFloatArray());
                assertTrue(d < 1e-5, cfg.modelType() + ": cached vs full max diff " + d);
            }
            // right-padded batch: the short row equals its own single forward on its real positions
            long[] b = ids(t, 2, cfg.vocabSize());
            long[] batch = new long[2 * t];
            System.arraycopy(a, 0, batch, 0, t);
            System.arraycopy(b, 0, batch, t, 9);
            long[] maskData = new long[2 * t];
            java.util.Arrays.fill(maskData, 0, t + 9, 1);
            NDArray logits = lm.forward(m.create(batch, new Shape(2, t)), m.create(maskData, new Shape(2, t)), false)
                    .logits();
            float[] single = lm.forward(m.create(java.util.Arrays.copyOf(b, 9), new Shape(1, 9)), null, false)
                    .logits().toFloatArray();
            double d0 = maxAbsDiff(full, logits.get(new NDIndex("0:1")).toFloatArray());
            double d1 = maxAbsDiff(single, logits.get(new NDIndex("1:2, :9")).toFloatArray());
            assertTrue(d0 < 1e-5 && d1 < 1e-5, cfg.modelType() + ": padded batch vs single " + d0 + ", " + d1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void saveAndLoadKeepTensorsBytesAndConfigKeys(ModelConfig cfg, @TempDir Path tmp) throws Exception {
        Path first = tmp.resolve("a");
        Path second = tmp.resolve("b");
        try (CausalLm lm = CausalLm.random(cfg, root, Device.cpu(), 5)) {
            Checkpoint.save(lm, first, null, DataType.FLOAT32);
        }
        try (CausalLm lm = Checkpoint.load(first, Device.cpu())) {
            assertEquals(cfg.json().without("torch_dtype"), lm.config().json().without("torch_dtype"));
            Checkpoint.save(lm, second, null, DataType.FLOAT32);
        }
        assertEquals(JSON.readTree(first.resolve("config.json").toFile()),
                JSON.readTree(second.resolve("config.json").toFile()));
        try (SafetensorsReader r1 = SafetensorsReader.open(first.resolve("model.safetensors"));
                SafetensorsReader r2 = SafetensorsReader.open(second.resolve("model.safetensors"))) {
            assertEquals(ParameterTable.shapes(cfg).keySet(), r1.tensors().keySet());
            assertEquals(r1.tensors().keySet(), r2.tensors().keySet());
            for (String n : r1.tensors().keySet()) {
                assertEquals(r1.rawBytes(n), r2.rawBytes(n), cfg.modelType() + ": tensor bytes differ: " + n);
            }
        }
    }

    @Test
    void familyTensorNames() {
        Map<String, Shape> phi = ParameterTable.shapes(ModelConfig.example("phi3", 32, 1, 4, 2, 48, 97));
        assertEquals(new Shape(32 + 2 * 16, 32), phi.get("model.layers.0.self_attn.qkv_proj.weight"));
        assertEquals(new Shape(96, 32), phi.get("model.layers.0.mlp.gate_up_proj.weight"));
        assertFalse(phi.containsKey("model.layers.0.self_attn.q_proj.weight"));
        Map<String, Shape> gemma = ParameterTable.shapes(ModelConfig.example("gemma2", 32, 1, 4, 2, 48, 97));
        assertTrue(gemma.containsKey("model.layers.0.pre_feedforward_layernorm.weight"));
        assertTrue(gemma.containsKey("model.layers.0.post_feedforward_layernorm.weight"));
        assertFalse(gemma.containsKey(ParameterTable.LM_HEAD), "gemma2 example ties embeddings");
        assertTrue(ModelConfig.example("gemma2", 32, 1, 4, 2, 48, 97).without("tie_word_embeddings")
                .tieWordEmbeddings(), "Gemma2Config ties by default");
        ModelConfig q3 = ModelConfig.example("qwen3", 32, 1, 4, 2, 48, 97).without("head_dim");
        assertEquals(128, q3.headDim(), "Qwen3Config's head_dim default");
        assertEquals(new Shape(128), ParameterTable.shapes(q3).get("model.layers.0.self_attn.k_norm.weight"));
        assertEquals(1e-5, ModelConfig.example("phi3", 32, 1, 4, 2, 48, 97).without("rms_norm_eps").rmsNormEps());
        ModelConfig g = ModelConfig.example("gemma2", 32, 4, 4, 2, 48, 97).with("query_pre_attn_scalar", 64);
        assertArrayEquals(new int[] {4096, 0, 4096, 0}, g.architecture().slidingWindow());
        assertEquals(0.125, g.architecture().attentionScale(), 1e-15);
        assertEquals(Math.sqrt(32), g.architecture().embedScale(), 1e-15);
        assertArrayEquals(new int[] {0, 0, 0, 0},
                g.with("sliding_window", null).architecture().slidingWindow());
    }

    @Test
    void unhandledSettingsAreRefusedByName() {
        ModelConfig llama = ModelConfig.example("llama", 32, 1, 4, 2, 48, 97);
        refused(() -> llama.with("model_type", "olmo2"), "model_type", "olmo2", "gemma2");
        refused(() -> llama.with("rope_scaling", Map.of("rope_type", "yarn", "factor", 4.0)), "yarn", "llama3");
        refused(() -> llama.with("rope_scaling", Map.of("rope_type", "dynamic", "factor", 4.0)), "dynamic", "linear");
        refused(() -> llama.with("rope_scaling", Map.of("rope_type", "linear", "factor", 4.0, "beta", 1)), "beta");
        refused(() -> llama.with("hidden_act", "gelu"), "hidden_act", "gelu");
        refused(() -> llama.with("partial_rotary_factor", 0.5), "partial_rotary_factor");
        // token ids beyond 32 bits are refused, not wrapped (4294967298 would become 2)
        refused(() -> llama.with("bos_token_id", 4294967298L), "bos_token_id", "4294967298");
        refused(() -> llama.with("pad_token_id", -4294967295L), "pad_token_id", "-4294967295");
        refused(() -> llama.with("eos_token_id", 4294967298L), "eos_token_id", "4294967298");
        refused(() -> llama.with("eos_token_id", List.of(2, 4294967298L)), "eos_token_id", "4294967298");
        ModelConfig phi = ModelConfig.example("phi3", 32, 1, 4, 2, 48, 97);
        refused(() -> phi.with("rope_scaling", Map.of("type", "longrope", "long_factor", List.of(1.0))),
                "rope_scaling", "longrope");
        refused(() -> ModelConfig.example("qwen3", 32, 1, 4, 2, 48, 97).with("use_sliding_window", true),
                "use_sliding_window");
        refused(() -> ModelConfig.example("qwen2", 32, 1, 4, 2, 48, 97).with("use_sliding_window", true),
                "use_sliding_window");
        refused(() -> ModelConfig.example("gemma2", 32, 1, 4, 2, 48, 97).with("hidden_activation", "gelu"),
                "hidden_activation");
        refused(() -> ModelConfig.example("mistral", 32, 1, 4, 2, 48, 97).with("attention_bias", true),
                "attention_bias");
    }

    private static void refused(org.junit.jupiter.api.function.Executable e, String... words) {
        InvalidInputException ex = assertThrows(InvalidInputException.class, e);
        for (String w : words) {
            assertTrue(ex.getMessage().contains(w), "'" + w + "' missing from: " + ex.getMessage());
        }
    }

    /** transformers {@code _compute_llama3_parameters} on Llama-3.2-1B's values, bands checked one by one. */
    @Test
    void llama3FrequenciesFollowTheThreeBands() throws Exception {
        ModelConfig c = llama32();
        double[] inv = c.ropeInverseFrequencies();
        assertEquals(32, inv.length);
        int low = 0;
        int medium = 0;
        int high = 0;
        for (int i = 0; i < inv.length; i++) {
            double base = 1.0 / Math.pow(500000.0, 2.0 * i / 64);
            double wavelen = 2 * Math.PI / base;
            if (wavelen < 8192 / 4.0) {
                assertEquals(base, inv[i], 0, "high-frequency band kept at " + i);
                high++;
            } else if (wavelen > 8192 / 1.0) {
                assertEquals(base / 32, inv[i], 0, "low-frequency band divided at " + i);
                low++;
            } else {
                double smooth = (8192 / wavelen - 1) / (4 - 1);
                assertEquals((1 - smooth) * base / 32 + smooth * base, inv[i], 1e-18, "medium band at " + i);
                medium++;
            }
        }
        assertTrue(low > 0 && medium > 0 && high > 0, low + "/" + medium + "/" + high);
        // one value worked out by hand: i = 0 is 1 (wavelength 2 pi, high band)
        assertEquals(1.0, inv[0], 0);
        double[] lin = ModelConfig.example("llama", 32, 1, 4, 2, 48, 97)
                .with("rope_scaling", Map.of("type", "linear", "factor", 4.0)).ropeInverseFrequencies();
        assertEquals(0.25, lin[0], 0);
        assertEquals(Math.pow(10000.0, -2.0 / 8) / 4, lin[1], 1e-17);
    }

    static ModelConfig llama32() throws Exception {
        try (InputStream in = FamiliesTest.class.getResourceAsStream("/configs/llama-3.2-1b-instruct.json")) {
            return ModelConfig.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                    "llama-3.2-1b-instruct.json");
        }
    }

    /**
     * Llama-3.2-1B-Instruct's exact config.json loads with every value as transformers reads it, and a
     * stand-in with fewer layers and a smaller vocabulary (same rope scaling, heads, head_dim) runs
     * past the original 8192-position window boundary region of its frequencies.
     */
    @Test
    void llama32InstructConfigLoadsAndRuns(@TempDir Path tmp) throws Exception {
        ModelConfig c = llama32();
        assertEquals(64, c.headDim());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(List.of(128001, 128008, 128009), c.eosTokenIds());
        assertEquals("llama3", c.architecture().ropeScaling().type());
        Path f = tmp.resolve("config.json");
        c.write(f);
        assertEquals(JSON.readTree(getClass().getResourceAsStream("/configs/llama-3.2-1b-instruct.json")),
                JSON.readTree(f.toFile()), "every key written back");
        ModelConfig small = c.with("num_hidden_layers", 1).with("vocab_size", 300).with("hidden_size", 256)
                .with("intermediate_size", 64).with("num_key_value_heads", 1).with("num_attention_heads", 4);
        try (CausalLm lm = CausalLm.random(small, root, Device.cpu(), 3); NDManager m = root.newSubManager()) {
            long[] a = ids(40, 9, 300);
            float[] logits = lm.forward(m.create(a, new Shape(1, 40)), null, false).logits().toFloatArray();
            for (float v : logits) {
                assertTrue(Float.isFinite(v));
            }
        }
    }
}

package dev.unlearn.core.model;

import dev.unlearn.core.testing.EngineTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.unlearn.core.InvalidInputException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CausalLmTest extends EngineTest {
    static CausalLm lm;
    static final ModelConfig CFG = ModelConfig.llama(32, 2, 4, 2, 48, 61);

    @BeforeAll
    static void setUp() {
        lm = CausalLm.random(CFG, root, Device.cpu(), 7);
    }

    @AfterAll
    static void tearDown() {
        lm.close();
    }

    static long[] ids(int n, long seed) {
        Random r = new Random(seed);
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(CFG.vocabSize());
        }
        return a;
    }

    static void assertClose(float[] exp, float[] got, double tol, String what) {
        assertEquals(exp.length, got.length, what + ": length");
        for (int i = 0; i < exp.length; i++) {
            if (Math.abs(exp[i] - got[i]) > tol) {
                throw new AssertionError(what + ": first mismatch at " + i + ": " + exp[i] + " vs " + got[i]);
            }
        }
    }

    @Test
    void kvCacheMatchesFullForward() {
        try (NDManager m = root.newSubManager()) {
            long[] a = ids(9, 1);
            long[] b = ids(9, 2);
            long[] both = new long[18];
            System.arraycopy(a, 0, both, 0, 9);
            System.arraycopy(b, 0, both, 9, 9);
            NDArray x = m.create(both, new Shape(2, 9));
            float[] full = lm.forward(x, null, false).logits().toFloatArray();
            try (KvCache cache = lm.newCache(m)) {
                NDArray first = lm.forwardIncremental(x.get(new NDIndex(":, :5")), cache).logits();
                NDArray[] parts = new NDArray[4];
                parts[0] = first;
                // a two-token chunk after cached positions exercises the offset causal mask
                parts[1] = lm.forwardIncremental(x.get(new NDIndex(":, 5:7")), cache).logits();
                for (int t = 7; t < 9; t++) {
                    parts[t - 5] = lm.forwardIncremental(x.get(new NDIndex(":, {}:{}", t, t + 1)), cache).logits();
                }
                assertEquals(9, cache.length());
                NDArray cached = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(parts), 1);
                assertEquals(new Shape(2, 9, CFG.vocabSize()), cached.getShape());
                assertClose(full, cached.toFloatArray(), 1e-5, "cached vs full logits");
            }
        }
    }

    @Test
    void resultsJoinInputManagerAndModelManagerStaysFlat() {
        int before = lm.manager().getManagedArrays().size();
        try (NDManager m = root.newSubManager()) {
            NDArray x = m.create(ids(6, 3), new Shape(1, 6));
            LmOutput o = lm.forward(x, null, true);
            assertSame(m, o.logits().getManager());
            for (NDArray h : o.hiddenStates()) {
                assertSame(m, h.getManager());
            }
        }
        assertEquals(before, lm.manager().getManagedArrays().size(), "forward left arrays in the model manager");
    }

    @Test
    void hiddenStatesFollowHfConvention() {
        try (NDManager m = root.newSubManager()) {
            NDArray x = m.create(ids(5, 4), new Shape(1, 5));
            LmOutput o = lm.forward(x, null, true);
            assertEquals(CFG.numHiddenLayers() + 1, o.hiddenStates().size());
            NDArray emb = lm.parameters().get(ParameterTable.EMBED);
            // first = embedding output; last = final-norm output, from which the head gives the logits
            assertClose(Layers.embedding(x, emb).toFloatArray(), o.hiddenStates().get(0).toFloatArray(), 0, "embeddings");
            NDArray last = o.hiddenStates().get(CFG.numHiddenLayers());
            NDArray logits = Layers.linear(last, lm.parameters().get(ParameterTable.LM_HEAD), null);
            assertClose(o.logits().toFloatArray(), logits.toFloatArray(), 1e-5, "head(last hidden)");
            assertTrue(lm.forward(x, null, false).hiddenStates().isEmpty());
        }
    }

    @Test
    void paddedBatchMatchesUnpaddedRows() {
        try (NDManager m = root.newSubManager()) {
            long[] a = ids(7, 5);
            long[] b = ids(4, 6);
            long[] padded = new long[14];
            System.arraycopy(a, 0, padded, 0, 7);
            System.arraycopy(b, 0, padded, 7, 4);
            long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
            LmOutput o = lm.forward(m.create(padded, new Shape(2, 7)), m.create(mask, new Shape(2, 7)), false);
            float[] rowB = o.logits().get(new NDIndex("1, :4, :")).toFloatArray();
            float[] alone = lm.forward(m.create(b, new Shape(1, 4)), null, false).logits().toFloatArray();
            assertClose(alone, rowB, 1e-5, "padded row vs alone");
        }
    }

    @Test
    void forwardIsDifferentiable() {
        try (NDManager m = root.newSubManager(); CausalLm train = lm.copy(m)) {
            for (NDArray p : train.parameters().values()) {
                p.setRequiresGradient(true);
            }
            try (NDManager step = m.newSubManager()) {
                NDArray x = step.create(ids(6, 8), new Shape(1, 6));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = train.forward(x, null, false).logits().logSoftmax(-1).mean().neg();
                    gc.backward(loss);
                }
                for (var e : train.parameters().entrySet()) {
                    NDArray g = e.getValue().getGradient();
                    g.attach(step);
                    assertTrue(g.abs().sum().getFloat() > 0, "no gradient reached " + e.getKey());
                }
            }
        }
    }

    @Test
    void copyOwnsItsWeights() {
        try (NDManager m = root.newSubManager(); CausalLm train = lm.copy(m); CausalLm frozen = train.copy(m)) {
            String name = train.parameters().keySet().iterator().next();
            float[] before = frozen.parameters().get(name).toFloatArray();
            train.parameters().get(name).addi(1f);
            assertTrue(Arrays.equals(before, frozen.parameters().get(name).toFloatArray()),
                    "a same-dtype copy must not share storage with the original: " + name);
        }
    }

    @Test
    void randomIsDeterministicPerSeed() {
        try (NDManager m = root.newSubManager();
                CausalLm a = CausalLm.random(CFG, m, Device.cpu(), 7);
                CausalLm c = CausalLm.random(CFG, m, Device.cpu(), 8)) {
            for (String n : lm.parameters().keySet()) {
                float[] x = lm.parameters().get(n).toFloatArray();
                assertTrue(Arrays.equals(x, a.parameters().get(n).toFloatArray()), n);
                if (!ParameterTable.isNorm(n)) {
                    assertFalse(Arrays.equals(x, c.parameters().get(n).toFloatArray()), n);
                }
            }
            assertNotEquals(a.manager(), c.manager());
        }
    }

    @Test
    void qwen2HasBiasesAndLlamaDoesNot() {
        ModelConfig q = ModelConfig.qwen2(32, 1, 4, 2, 48, 61);
        assertTrue(ParameterTable.shapes(q).containsKey("model.layers.0.self_attn.q_proj.bias"));
        assertFalse(ParameterTable.shapes(q).containsKey("model.layers.0.self_attn.o_proj.bias"));
        assertFalse(ParameterTable.shapes(q).containsKey(ParameterTable.LM_HEAD));
        assertFalse(ParameterTable.shapes(CFG).containsKey("model.layers.0.self_attn.q_proj.bias"));
        ModelConfig llamaBias = CFG.with("attention_bias", true);
        assertTrue(ParameterTable.shapes(llamaBias).containsKey("model.layers.0.self_attn.o_proj.bias"));
    }

    @Test
    void configRejectsUnsupportedSettings() {
        assertThrows(InvalidInputException.class, () -> CFG.with("model_type", "gpt2"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CFG.with("rope_scaling", java.util.Map.of("type", "yarn", "factor", 2.0)));
        assertTrue(e.getMessage().contains("rope_scaling") && e.getMessage().contains("'yarn'")
                && e.getMessage().contains("llama3"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> CFG.with("hidden_act", "gelu"));
        assertThrows(InvalidInputException.class, () -> CFG.with("num_key_value_heads", 3));
        assertEquals(java.util.List.of(2, 7), CFG.with("eos_token_id", java.util.List.of(2, 7)).eosTokenIds());
    }

    /**
     * The raw output of the last layer, checked independently: a model with one more layer on top
     * (same weights below) reports it as {@code hidden_states[L]}, which there is not the last entry and
     * so comes before any norm. Below the last layer it equals {@code hidden_states[l + 1]} itself.
     */
    @Test
    void layerOutputIsTheRawDecoderOutputEvenAtTheLastLayer() {
        int layers = CFG.numHiddenLayers();
        ModelConfig deeper = CFG.with("num_hidden_layers", layers + 1);
        try (NDManager m = root.newSubManager()) {
            Map<String, NDArray> w = new LinkedHashMap<>();
            try (CausalLm big = CausalLm.random(deeper, m, Device.cpu(), 11)) {
                big.parameters().forEach((n, a) -> w.put(n, a.duplicate()));
                w.values().forEach(a -> a.attach(m));
            }
            lm.parameters().forEach((n, a) -> {
                NDArray d = a.duplicate();
                d.attach(m);
                w.put(n, d);
            });
            try (CausalLm big = CausalLm.fromParameters(deeper, m, Device.cpu(), w)) {
                NDArray ids = m.create(ids(9, 3), new Shape(1, 9));
                List<NDArray> hsBig = big.forward(ids, null, true).hiddenStates();
                List<NDArray> hs = lm.forward(ids, null, true).hiddenStates();
                float[] raw = lm.layerOutput(ids, null, layers - 1).toFloatArray();
                assertArrayEquals(hsBig.get(layers).toFloatArray(), raw,
                        "raw output of the last layer");
                assertTrue(!Arrays.equals(hs.get(layers).toFloatArray(), raw),
                        "HF's last hidden state is after the final norm, so it differs");
                for (int l = 0; l < layers - 1; l++) {
                    assertArrayEquals(hs.get(l + 1).toFloatArray(),
                            lm.layerOutput(ids, null, l).toFloatArray(), "layer " + l);
                }
            }
        }
    }
}

package dev.unlearn.core.model;

import dev.unlearn.core.testing.Adapters;
import dev.unlearn.core.testing.EngineTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** LoRA adapters on {@link CausalLm}: PEFT initialisation, names, frozen base, base view, merge, dropout. */
class LoraAdaptersTest extends EngineTest {
    static final ModelConfig LLAMA = ModelConfig.llama(32, 2, 4, 2, 48, 61);
    static final ModelConfig PHI3 = ModelConfig.example("phi3", 32, 2, 4, 2, 48, 61);

    static NDArray ids(NDManager m, int b, int t, long seed) {
        Random r = new Random(seed);
        long[] a = new long[b * t];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt(61);
        }
        return m.create(a, new Shape(b, t));
    }

    static float[] logits(CausalLm lm, NDArray ids) {
        return lm.forward(ids, null, false).logits().toFloatArray();
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void freshAdaptersFollowPeftInitAndLeaveTheOutputsUnchanged() {
        try (CausalLm lm = CausalLm.random(LLAMA, root, Device.cpu(), 3); NDManager s = root.newSubManager()) {
            NDArray x = ids(s, 2, 7, 1);
            float[] before = logits(lm, x);
            LoraAdapters a = lm.attachAdapters(new LoraConfig(4, 8, 0, List.of("all"), false), 11);
            assertEquals(List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"), a.modules());
            assertEquals(2.0, a.scale());
            assertEquals(2 * 7 * 2, a.parameters().size());
            List<String> names = List.copyOf(a.parameters().keySet());
            assertEquals("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", names.get(0));
            assertEquals("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", names.get(1));
            assertEquals("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight", names.get(names.size() - 1));
            for (String w : a.adaptedWeights()) {
                Shape ws = lm.parameters().get(w).getShape();
                assertEquals(new Shape(4, ws.get(1)), a.a(w).getShape(), w);
                assertEquals(new Shape(ws.get(0), 4), a.b(w).getShape(), w);
                // kaiming_uniform_(a=sqrt(5)) on [r, in]: U(-1/sqrt(in), 1/sqrt(in))
                double bound = 1 / Math.sqrt(ws.get(1));
                float[] av = a.a(w).toFloatArray();
                double max = 0;
                for (float v : av) {
                    max = Math.max(max, Math.abs(v));
                }
                assertTrue(max <= bound && max > 0.8 * bound, w + ": max |A| " + max + " vs bound " + bound);
                for (float v : a.b(w).toFloatArray()) {
                    assertEquals(0f, v, w + ": B must start at zero");
                }
            }
            // B = 0: W x + s·B(A x) adds exact zeros
            assertArrayEquals(before, logits(lm, x));
            for (NDArray p : lm.parameters().values()) {
                assertFalse(p.hasGradient(), "base weights are frozen");
            }
        }
    }

    @Test
    void sameSeedSameAdapters() {
        try (CausalLm a = CausalLm.random(LLAMA, root, Device.cpu(), 3); CausalLm b = CausalLm.random(LLAMA, root, Device.cpu(), 3)) {
            LoraAdapters x = a.attachAdapters(LoraConfig.of(2), 5);
            LoraAdapters y = b.attachAdapters(LoraConfig.of(2), 5);
            assertEquals(List.of("q_proj", "v_proj"), x.modules());
            x.parameters().forEach((n, p) -> assertArrayEquals(p.toFloatArray(), y.parameters().get(n).toFloatArray(), n));
        }
    }

    @Test
    void adaptedForwardEqualsTheMergedWeightsAndTheBaseViewIgnoresAdapters() {
        try (CausalLm lm = CausalLm.random(LLAMA, root, Device.cpu(), 3); NDManager s = root.newSubManager()) {
            NDArray x = ids(s, 2, 6, 2);
            float[] base = logits(lm, x);
            LoraAdapters a = lm.attachAdapters(new LoraConfig(3, 6, 0, List.of("q_proj", "v_proj", "down_proj"), false), 1);
            Adapters.randomB(a, 9);
            float[] adapted = logits(lm, x);
            assertTrue(maxAbsDiff(base, adapted) > 1e-3, "adapters with B != 0 must change the logits");
            CausalLm view = lm.baseView();
            assertTrue(view.isBaseView());
            assertNull(view.adapters());
            assertArrayEquals(base, logits(view, x), "the base view computes the base model");
            view.close(); // frees nothing
            assertArrayEquals(adapted, logits(lm, x));
            lm.mergeAdapters();
            assertNull(lm.adapters());
            // (W + sBA) x against W x + sB(Ax): float32 reassociation only; logits are O(1)
            double d = maxAbsDiff(adapted, logits(lm, x));
            assertTrue(d < 1e-4, "merged logits differ by " + d);
        }
    }

    @Test
    void phi3AdaptsItsFusedModulesAndRefusesUnfusedNames() {
        assertEquals(List.of("qkv_proj", "o_proj", "gate_up_proj", "down_proj"), LoraConfig.modulesOf(PHI3));
        assertEquals(List.of("qkv_proj"), LoraConfig.of(2).resolve(PHI3));
        InvalidInputException ex = assertThrows(InvalidInputException.class,
                () -> new LoraConfig(2, 4, 0, List.of("q_proj"), false).resolve(PHI3));
        assertTrue(ex.getMessage().contains("q_proj") && ex.getMessage().contains("qkv_proj"), ex.getMessage());
        try (CausalLm lm = CausalLm.random(PHI3, root, Device.cpu(), 4); NDManager s = root.newSubManager()) {
            NDArray x = ids(s, 1, 9, 3);
            LoraAdapters a = lm.attachAdapters(new LoraConfig(2, 4, 0, List.of("all"), false), 2);
            assertTrue(a.parameters().containsKey("base_model.model.model.layers.1.self_attn.qkv_proj.lora_A.weight"));
            assertTrue(a.parameters().containsKey("base_model.model.model.layers.0.mlp.gate_up_proj.lora_B.weight"));
            Adapters.randomB(a, 4);
            float[] adapted = logits(lm, x);
            lm.mergeAdapters();
            double d = maxAbsDiff(adapted, logits(lm, x));
            assertTrue(d < 1e-4, "merged logits differ by " + d);
        }
    }

    @Test
    void badSettingsNameTheSetting() {
        assertTrue(assertThrows(InvalidInputException.class, () -> new LoraConfig(0, 8, 0, List.of(), false))
                .getMessage().contains("rank"));
        assertTrue(assertThrows(InvalidInputException.class, () -> new LoraConfig(4, -1, 0, List.of(), false))
                .getMessage().contains("alpha"));
        assertTrue(assertThrows(InvalidInputException.class, () -> new LoraConfig(4, 8, 1.0, List.of(), false))
                .getMessage().contains("dropout"));
        assertTrue(assertThrows(InvalidInputException.class,
                () -> new LoraConfig(4, 8, 0, List.of("lm_head"), false).resolve(LLAMA)).getMessage().contains("lm_head"));
        try (CausalLm lm = CausalLm.random(LLAMA, root, Device.cpu(), 3)) {
            lm.attachAdapters(LoraConfig.of(2), 0);
            assertThrows(InvalidInputException.class, () -> lm.attachAdapters(LoraConfig.of(2), 0));
        }
    }

    @Test
    void dropoutActsOnlyWhileTrainingAndFollowsItsSeed() {
        try (CausalLm lm = CausalLm.random(LLAMA, root, Device.cpu(), 3); NDManager s = root.newSubManager()) {
            NDArray x = ids(s, 2, 6, 2);
            LoraAdapters a = lm.attachAdapters(new LoraConfig(4, 8, 0.5, List.of("all"), false), 1);
            Adapters.randomB(a, 3);
            float[] eval = logits(lm, x);
            assertArrayEquals(eval, logits(lm, x));
            a.setTraining(true);
            a.seedDropout(42);
            float[] t1 = logits(lm, x);
            a.seedDropout(42);
            float[] t2 = logits(lm, x);
            a.seedDropout(43);
            float[] t3 = logits(lm, x);
            a.setTraining(false);
            assertArrayEquals(t1, t2, "same dropout seed, same masks");
            assertTrue(maxAbsDiff(t1, eval) > 1e-4, "dropout changes the training forward");
            assertTrue(maxAbsDiff(t1, t3) > 1e-4, "another seed, other masks");
            assertArrayEquals(eval, logits(lm, x));
        }
    }

    @Test
    void detachLeavesTheBase() {
        try (CausalLm lm = CausalLm.random(LLAMA, root, Device.cpu(), 3); NDManager s = root.newSubManager()) {
            NDArray x = ids(s, 1, 5, 2);
            float[] base = logits(lm, x);
            Adapters.randomB(lm.attachAdapters(LoraConfig.of(2), 1), 1);
            lm.detachAdapters();
            assertNull(lm.adapters());
            assertArrayEquals(base, logits(lm, x));
            Map<String, NDArray> p = lm.parameters();
            assertNotNull(p.get(ParameterTable.EMBED));
        }
    }
}

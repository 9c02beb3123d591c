package dev.unlearn.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code attention_mask: length | pad_token} with pad == EOS, as in Llama and phi checkpoints. */
class AttentionMaskingTest {
    static final long EOS = 2;
    static final long PAD = EOS;

    // BOS, question, EOS inside the sequence (a real token), answer, final EOS; then padding
    static final long[] A = {1, 10, 11, EOS, 12, 13, EOS};
    static final long[] B = {1, 14, EOS};

    private static List<TokenizedExample> examples(AttentionMasking m) {
        return List.of(new TokenizedExample("a", A, 3, m), new TokenizedExample("b", B, 2, m));
    }

    @Test
    void lengthMaskingHidesPaddingOnly() {
        Batch b = new Batch(examples(AttentionMasking.LENGTH), PAD);
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, b.attentionMaskValues());
        assertEquals(new TokenizedExample("x", A, 3).masking(), AttentionMasking.LENGTH, "the default");
    }

    @Test
    void padTokenMaskingHidesEveryPadIdPositionIncludingRealEos() {
        Batch b = new Batch(examples(AttentionMasking.PAD_TOKEN), PAD);
        // reference collators: attention_mask = input_ids != pad_token_id
        long[] expected = new long[2 * A.length];
        for (int i = 0; i < 2; i++) {
            long[] ids = i == 0 ? A : B;
            for (int t = 0; t < A.length; t++) {
                long id = t < ids.length ? ids[t] : PAD;
                expected[i * A.length + t] = id != PAD ? 1 : 0;
            }
        }
        assertArrayEquals(expected, b.attentionMaskValues());
        assertEquals(0, b.attentionMaskValues()[3], "the EOS inside sample a is hidden");
        // labels are unchanged: the EOS tokens stay targets
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new Batch(examples(AttentionMasking.LENGTH), PAD).labels(m).toLongArray(),
                    b.labels(m).toLongArray());
        }
    }

    @Test
    void theModelSeesTheMaskBatchGives() {
        Engines.pytorch();
        ModelConfig cfg = ModelConfig.llama(32, 1, 4, 2, 48, 20);
        try (NDManager root = NDManager.newBaseManager(); CausalLm lm = CausalLm.random(cfg, root, Device.cpu(), 3);
                NDManager s = root.newSubManager()) {
            Batch len = new Batch(examples(AttentionMasking.LENGTH), PAD);
            Batch tok = new Batch(examples(AttentionMasking.PAD_TOKEN), PAD);
            NDArray l = lm.forward(len.inputIds(s), len.attentionMask(s), false).logits();
            NDArray p = lm.forward(tok.inputIds(s), tok.attentionMask(s), false).logits();
            // sample a, positions up to the inner EOS: identical (causal: nothing later is seen)
            NDArray before = l.get(new NDIndex("0, :3")).sub(p.get(new NDIndex("0, :3"))).abs().max();
            assertEquals(0f, before.getFloat(), "positions before the inner EOS are unaffected");
            // after it, pad_token mode no longer attends to the EOS: outputs differ
            float after = l.get(new NDIndex("0, 4:")).sub(p.get(new NDIndex("0, 4:"))).abs().max().getFloat();
            assertTrue(after > 1e-4f, "positions after the inner EOS change, max diff " + after);
            // and equal a forward with that key hidden by hand
            long[] manual = len.attentionMaskValues();
            manual[3] = 0;
            manual[6] = 0;
            manual[7 + 2] = 0;
            NDArray q = lm.forward(len.inputIds(s), s.create(manual, new Shape(2, 7)), false).logits();
            assertEquals(0f, q.sub(p).abs().max().getFloat());
        }
    }
}

package dev.unlearn.eval.leakage;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LeakageTest {
    @Test
    void rtnRoundTripsGridValuesExactlyAndBoundsTheError() {
        // 2 groups of 2 in one row: [0, 1.5] (scale 0.1 at 4 bits, zero 0) and [-3, -3] (constant, kept).
        float[] w = {0f, 1.5f, -3f, -3f};
        Quantizer.roundTrip(w, 4, 4, 2);
        assertArrayEquals(new float[] {0f, 1.5f, -3f, -3f}, w, 1e-6f);
        // Hand vector, 2 bits (levels 3), one group [-1, 0, 0.5, 1]: scale 2/3, zero rint(1.5) = 2;
        // q = clamp(rint(w / scale) + 2, 0, 3) = 0, 2, 3, 3 -> (q - 2) * 2/3 = -4/3, 0, 2/3, 2/3.
        float[] v = {-1f, 0f, 0.5f, 1f};
        Quantizer.roundTrip(v, 4, 2, 128);
        assertArrayEquals(new float[] {-4f / 3, 0f, 2f / 3, 2f / 3}, v, 1e-6f);
        Random rnd = new Random(1);
        for (int bits : new int[] {8, 4}) {
            float[] x = new float[3 * 300];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            float[] q = x.clone();
            Quantizer.roundTrip(q, 300, bits, 128);
            for (int row = 0; row < 3; row++) {
                for (int g = 0; g < 300; g += 128) {
                    float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
                    int to = Math.min(300, g + 128);
                    for (int i = g; i < to; i++) {
                        lo = Math.min(lo, x[row * 300 + i]);
                        hi = Math.max(hi, x[row * 300 + i]);
                    }
                    double scale = (hi - lo) / ((1 << bits) - 1);
                    HashSet<Float> levels = new HashSet<>();
                    for (int i = g; i < to; i++) {
                        assertTrue(Math.abs(q[row * 300 + i] - x[row * 300 + i]) <= scale + 1e-6, "error within one step");
                        levels.add(q[row * 300 + i]);
                    }
                    assertTrue(levels.size() <= (1 << bits), "at most 2^bits levels per group");
                }
            }
        }
    }

    @Test
    void leakIsTheWorstDifferenceOverAttacksWithoutTheDirectProbe() {
        LeakageReport r = LeakageReport.of(List.of(
                new LeakageReport.Row("direct", "", 0.9, 0.0, Map.of(), Map.of()),
                new LeakageReport.Row("relearn", "", 0.5, 0.2, Map.of("gain", 0.4), Map.of()),
                new LeakageReport.Row("int4", "", 0.1, 0.3, Map.of(), Map.of()),
                new LeakageReport.Row("paraphrase", "", Double.NaN, 0.1, Map.of(), Map.of())), 1.0);
        assertEquals(0.3, r.leak(), 1e-15);
        assertEquals(0.3, r.summary().get("leak_relearn_diff"), 1e-15);
        assertEquals(0.4, r.summary().get("leak_relearn_gain"), 0.0);
        assertTrue(r.table().contains("relearn"));
    }

    @Test
    void relearningHoldsOutTenPercentSeeded() {
        List<Integer> a = RelearningAttack.heldOut(40, 0.1, 3);
        assertEquals(4, a.size());
        assertEquals(a, RelearningAttack.heldOut(40, 0.1, 3));
        assertEquals(1, RelearningAttack.heldOut(5, 0.1, 0).size(), "at least one");
        assertThrows(InvalidInputException.class, () -> RelearningAttack.heldOut(1, 0.1, 0));
    }

    @Test
    void aModelAttackedBesideItselfLeaksNothing() throws Exception {
        TinyWorld.Paths3 w = TinyWorld.get();
        Engines.pytorch();
        List<LeakageItem> forget = LeakageItem.of(QaReader.read(w.data().resolve("forget10_perturbed.json")).subList(0, 10));
        List<LeakageItem> shots = LeakageItem.of(QaReader.read(w.data().resolve("retain_perturbed.json")));
        try (NDManager m = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(w.data());
                CausalLm a = Checkpoint.load(w.full(), m); CausalLm b = Checkpoint.load(w.full(), m)) {
            LeakageSuite suite = new LeakageSuite(tok, PromptTemplate.PLAIN, LeakageConfig.defaults().withRelearn(3, 1e-3)
                    .withMaxNewTokens(8));
            LeakageReport r = suite.run(a, b, forget, shots, null);
            assertEquals(List.of("direct", "relearn", "int8", "int4", "paraphrase", "multiple_choice", "few_shot", "logit_lens",
                    "prefix"), r.rows().stream().map(LeakageReport.Row::attack).toList());
            for (LeakageReport.Row row : r.rows()) {
                assertEquals(0.0, row.difference(), 1e-9, row.attack() + ": the same weights give the same scores");
                assertTrue(row.model() >= 0 && row.model() <= 1, row.attack() + " is a score in [0, 1]: " + row.model());
            }
            assertEquals(0.0, r.leak(), 1e-9);
            assertEquals(1.0, r.rows().get(1).modelDetails().get("k"), 0.0, "10% of 10 items");
            assertThrows(InvalidInputException.class, () -> suite.run(a, null, forget, shots, null));
        }
    }
}

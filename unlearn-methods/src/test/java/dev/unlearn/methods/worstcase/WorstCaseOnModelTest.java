package dev.unlearn.methods.worstcase;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.methods.spi.ConfigBinder;
import dev.unlearn.methods.spi.MethodConfig;
import dev.unlearn.methods.spi.Methods;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The worst-case search on the tiny world's {@code full} model (memorised every QA pair): issue-8
 * acceptance (the selected set keeps more of its content after NPO than random sets of the same size),
 * determinism, flat native memory and θ_0 restored.
 */
class WorstCaseOnModelTest {
    /** Pool: the first {@code perAuthor} pairs of every author of full.json. */
    static List<TokenizedExample> pool(TinyWorld.Paths3 tw, int perAuthor, List<String> entities) {
        List<QaRecord> rows = QaReader.read(tw.data().resolve("full.json"));
        Map<String, String> entityOf = new HashMap<>();
        Set<String> keep = new java.util.HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            if (i % 20 < perAuthor) {
                keep.add(rows.get(i).id());
                entityOf.put(rows.get(i).id(), rows.get(i).entity());
            }
        }
        List<TokenizedExample> ex = TinyWorld.examples(tw.data(), "full.json").stream()
                .filter(e -> keep.contains(e.id())).collect(Collectors.toList());
        if (entities != null) {
            ex.forEach(e -> entities.add(entityOf.get(e.id())));
        }
        return ex;
    }

    static WorstCaseConfig config(Map<String, Object> over) {
        Map<String, Object> m = new HashMap<>(Map.of("size", "10", "iterations", 10, "w_lr", 2.0, "binarize_every", 1,
                "keep_best", true, "outside_loss", "remembered"));
        m.putAll(over);
        return ConfigBinder.bind("worst-case", WorstCaseConfig.class, WorstCaseConfig.defaults(), m);
    }

    static MethodConfig npo() {
        return Methods.byName("npo").bind(Map.of());
    }

    static final ModelLowerLevel.Settings LOWER = new ModelLowerLevel.Settings(2e-3, 1, 8);

    @Test
    void worstCaseSetSurvivesNpoBetterThanRandomSets() {
        Engines.pytorch();
        TinyWorld.Paths3 tw = TinyWorld.get();
        List<TokenizedExample> pool = pool(tw, 5, null);
        assertEquals(50, pool.size());
        try (NDManager m = NDManager.newBaseManager(); CausalLm lm = Checkpoint.load(tw.full(), m);
                WorstCaseProblem p = WorstCaseProblem.open(lm, pool, null, "npo", npo(), LOWER, 1)) {
            WorstCaseSearch.Selection sel = p.search(config(Map.of()), 1);
            WorstCaseProblem.Comparison c = p.compare(sel.selectedUnitIndices(), 5, 1);
            System.out.printf("worst-case (npo, 10 of 50, lr 2e-3, at most 10 iterations): %.1f ms/iteration, chosen iteration %d,"
                    + " J trace %s%n", sel.secondsPerIteration() * 1000, sel.chosenIteration(),
                    sel.trace().stream().map(i -> String.format("%.2f/%d", i.evaluated(), i.swaps())).toList());
            System.out.printf("worst-case set: answer prob %.4f NLL %.4f; random x5: prob %.4f ± %.4f NLL %.4f ± %.4f;"
                    + " %.2f s per unlearn run%n", c.chosen().meanAnswerProbability(), c.chosen().meanNll(),
                    c.randomProbability().mean(), c.randomProbability().std(), c.randomNll().mean(), c.randomNll().std(),
                    c.secondsPerRun());
            Bounds.record("WorstCaseOnModel.chosenIteration", sel.chosenIteration(), ">", 0);
            Bounds.record("WorstCaseOnModel.jChosenMinusJ0", sel.trace().get(sel.chosenIteration()).evaluated()
                    - sel.trace().get(0).evaluated(), "<", 0);
            Bounds.record("WorstCaseOnModel.probMarginOverStd", (c.chosen().meanAnswerProbability()
                    - c.randomProbability().mean()) / c.randomProbability().std(), ">", 0);
            Bounds.record("WorstCaseOnModel.nllBefore", c.chosen().meanNllBefore(), "<", 0.05);
            Bounds.record("WorstCaseOnModel.nllMarginOverStd", (c.randomNll().mean() - c.chosen().meanNll())
                    / c.randomNll().std(), ">", 0);
            assertEquals(10, sel.selectedIds().size());
            assertTrue(sel.chosenIteration() > 0 && sel.trace().get(sel.chosenIteration()).evaluated()
                    < sel.trace().get(0).evaluated(), "the search improved on its random starting set");
            // Effect checks: the worst-case set keeps more than random sets of its size do on average, in answer
            // probability and in NLL. Over ten fixtures (v3 and v4, seeds 0-4 each) (chosen - mean) / std of the
            // probability was 0.73-2.39, and (mean - chosen) / std of the NLL 0.71-1.59. The stronger forms this
            // test once had failed on one fixture each: "more than the random spread" (probability, 0.73 < 1 on v4
            // seed 2, where the random start was already as good as the best random sets and the search gained
            // 0.009 in J) and "more than every random set" (NLL, heavy-tailed: min random / chosen 0.94 there).
            // docs/test-bounds.md has the rows.
            assertTrue(c.chosen().meanAnswerProbability() > c.randomProbability().mean(),
                    "worst-case set must keep more answer probability than random sets on average: " + c);
            assertTrue(c.chosen().meanNll() < c.randomNll().mean(),
                    "worst-case set must keep a lower NLL than random sets on average: " + c);
            assertTrue(c.chosen().meanNllBefore() < 0.05, "the full model knows the set before unlearning");
        }
    }

    @Test
    void deterministicRestoredAndFlat() {
        Engines.pytorch();
        TinyWorld.Paths3 tw = TinyWorld.get();
        List<String> entities = new ArrayList<>();
        List<TokenizedExample> pool = pool(tw, 4, entities);
        WorstCaseConfig c = config(Map.of("size", "2", "iterations", 3, "entity_level", true));
        try (NDManager m = NDManager.newBaseManager(); CausalLm lm = Checkpoint.load(tw.full(), m)) {
            Map<String, float[]> before = new HashMap<>();
            lm.parameters().forEach((k, v) -> before.put(k, v.toFloatArray()));
            int live = lm.manager().getManagedArrays().size();
            WorstCaseSearch.Selection a = WorstCaseSearch.search(lm, pool, entities, "npo", npo(), c, LOWER, 5);
            int afterFirst = lm.manager().getManagedArrays().size();
            WorstCaseSearch.Selection b = WorstCaseSearch.search(lm, pool, entities, "npo", npo(), c, LOWER, 5);
            System.out.println("live arrays: before " + live + ", after one search " + afterFirst + ", after two "
                    + lm.manager().getManagedArrays().size());
            assertEquals(live, afterFirst, "no arrays left in the model's manager after a search");
            assertEquals(live, lm.manager().getManagedArrays().size(), "flat after a second search");
            assertEquals(a.selectedIds(), b.selectedIds(), "same seed, same set");
            assertEquals(a.selectedUnits(), b.selectedUnits());
            for (int i = 0; i < a.trace().size(); i++) {
                assertEquals(a.trace().get(i).evaluated(), b.trace().get(i).evaluated(), 1e-9, "J at iteration " + i);
            }
            assertEquals(2, a.selectedUnits().size(), "two authors");
            assertEquals(8, a.selectedIds().size(), "all pool pairs of the two authors");
            for (Map.Entry<String, NDArray> e : lm.parameters().entrySet()) {
                assertArrayEquals(before.get(e.getKey()), e.getValue().toFloatArray(), "θ_0 restored: " + e.getKey());
            }
        }
    }
}

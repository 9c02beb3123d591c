package dev.unlearn.methods.worstcase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.ConfigBinder;
import dev.unlearn.methods.testing.Nd;
import dev.unlearn.methods.worstcase.WorstCaseConfig.Projection;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** methods.md test vectors T10 and the outer loop. */
class WorstCaseTest {
    private static final double[] W0 = {1, 1, 0, 0, 0};
    private static final double[] LOSS = {0.2, 1.5, 0.1, 0.9, 3.0};

    @Test
    void t10SmallStepExact() {
        UpperLevel.Step s = UpperLevel.step(W0, LOSS, 2, 0.01, 0, Projection.EXACT);
        Nd.close(-0.008, s.mu(), "μ");
        Nd.close(new double[] {1, 0.993, 0.007, 0, 0}, s.w(), "w'");
        Nd.close(1.6902, s.objective(), "J");
        assertArrayEquals(new int[] {0, 1}, UpperLevel.topM(s.w(), 2));
    }

    @Test
    void t10ReferenceBisection() {
        double[] v = {0.998, 0.985, -0.001, -0.009, -0.03};
        CappedSimplex.Projection p = CappedSimplex.bisection(v, 2);
        Nd.close(new double[] {1, 0.992993026733, 0.006993026733, 0, 0}, p.w(), 0, 1e-11, "bisection w");
        assertEquals(18, p.iterations());
        Nd.close(1.999986, java.util.Arrays.stream(p.w()).sum(), 0, 1e-6, "bisection sum");
        Nd.close(CappedSimplex.exact(v, 2).w(), p.w(), 0, 1e-4, "bisection vs exact");
    }

    @Test
    void t10LargeStep() {
        UpperLevel.Step s = UpperLevel.step(W0, LOSS, 2, 1, 0, Projection.EXACT);
        Nd.close(-0.8, s.mu(), "μ");
        Nd.close(new double[] {1, 0.3, 0.7, 0, 0}, s.w(), "w'");
        Nd.close(0.72, s.objective(), "J");
        assertArrayEquals(new int[] {0, 2}, UpperLevel.topM(s.w(), 2));
        assertEquals(1, UpperLevel.swaps(new int[] {0, 1}, UpperLevel.topM(s.w(), 2)));
    }

    @Test
    void t10WithL2() {
        UpperLevel.Step s = UpperLevel.step(W0, LOSS, 2, 1, 0.5, Projection.EXACT);
        Nd.close(-1.0666666666666667, s.mu(), "μ");
        Nd.close(new double[] {0.8666666666666667, 0, 0.9666666666666667, 0.16666666666666663, 0}, s.w(), "w'");
    }

    @Test
    void exactProjectionSumsToMOnRandomInputs() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + r.nextInt(30);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.nextDouble(-3, 3);
            }
            int m = 1 + r.nextInt(n - 1);
            double[] w = CappedSimplex.exact(v, m).w();
            Nd.close(m, java.util.Arrays.stream(w).sum(), 0, 1e-9, "sum, trial " + trial);
            for (double x : w) {
                assertTrue(x >= 0 && x <= 1);
            }
        }
    }

    @Test
    void outerLoopMovesTowardsLowLossItems() {
        // items 0..9; a fixed post-unlearning loss that is low for items 7, 8, 9
        double[] loss = {3, 3, 3, 3, 3, 3, 3, 0.1, 0.2, 0.3};
        WorstCaseConfig c = ConfigBinder.bind("worst-case", WorstCaseConfig.class, WorstCaseConfig.defaults(),
                Map.of("size", "3", "iterations", 5, "w_lr", 1.0, "binarize_every", 1));
        WorstCaseSearch.Result res = WorstCaseSearch.run(10, c, 3, (w, u) -> loss.clone());
        assertArrayEquals(new int[] {7, 8, 9}, res.selected());
        assertEquals(5, res.iterations().size());
        double s = 0;
        for (double x : WorstCaseSearch.initialWeights(10, 3, WorstCaseConfig.Init.RANDOM_BINARY, 3)) {
            s += x;
        }
        assertEquals(3, s);
    }

    @Test
    void sizeChecks() {
        assertEquals(400, WorstCaseConfig.defaults().targetSize(4000));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ConfigBinder.bind("worst-case", WorstCaseConfig.class, WorstCaseConfig.defaults(),
                        Map.of("size", "12")).targetSize(10));
        assertTrue(e.getMessage().contains("'size'"), e.getMessage());
        // a pool of one leaves no set to choose; the message says so instead of "1 … 0"
        e = assertThrows(InvalidInputException.class, () -> ConfigBinder.bind("worst-case", WorstCaseConfig.class,
                WorstCaseConfig.defaults(), Map.of("entity_level", true)).targetSize(1));
        assertEquals("The pool holds 1 entity: a set of 1 … n−1 entities needs at least 2 (field 'author').", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> ConfigBinder.bind("worst-case", WorstCaseConfig.class,
                WorstCaseConfig.defaults(), Map.of("outside_loss", "guess")));
        assertTrue(e.getMessage().contains("'outside_loss'") && e.getMessage().contains("remembered"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> ConfigBinder.bind("worst-case", WorstCaseConfig.class,
                WorstCaseConfig.defaults(), Map.of("lower_optimizer", "method")));
        assertTrue(e.getMessage().contains("not implemented"), e.getMessage());
    }

    @Test
    void keepBestReturnsTheLowestEvaluatedSetAndExploresUntriedItems() {
        // losses depend on the whole set: {0,1} survives best (0.1 each); item 2 is erased easily (3.0);
        // retained items always look good (0.01), which misleads the reference update
        WorstCaseSearch.LowerLevel lower = (w, u) -> {
            double[] l = new double[w.length];
            boolean best = w[0] == 1 && w[1] == 1;
            for (int i = 0; i < l.length; i++) {
                l[i] = w[i] == 1 ? (best ? 0.1 : i == 2 ? 3.0 : 1.0) : 0.01;
            }
            return l;
        };
        WorstCaseConfig c = ConfigBinder.bind("worst-case", WorstCaseConfig.class, WorstCaseConfig.defaults(),
                Map.of("size", "2", "iterations", 12, "w_lr", 2.0, "binarize_every", 1, "keep_best", true,
                        "outside_loss", "remembered"));
        WorstCaseSearch.Result r = WorstCaseSearch.run(5, c, 4, lower);
        assertArrayEquals(new int[] {0, 1}, r.selected(), "best evaluated set: " + r.iterations());
        assertTrue(r.chosenIteration() >= 0);
        Nd.close(0.2, r.iterations().get(r.chosenIteration()).evaluated(), "J of the returned set");
        assertTrue(r.iterations().size() <= 12);
    }
}

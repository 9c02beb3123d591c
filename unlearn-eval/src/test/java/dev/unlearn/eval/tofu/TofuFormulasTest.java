package dev.unlearn.eval.tofu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import org.junit.jupiter.api.Test;

/** Test vectors A1–A4, A7, A8 of spec §1.3 and §2. */
class TofuFormulasTest {
    static void assertRel(double expected, double actual, double rtol, String what) {
        assertTrue(Math.abs(expected - actual) <= rtol * Math.abs(expected),
                what + ": expected " + expected + " got " + actual);
    }

    static final double[] PARA = {1.5, 0.7, 2.2, 0.4};
    static final double[][] PERT = {{2.0, 2.5, 1.8, 3.0, 2.2}, {0.6, 0.9, 0.5, 0.8, 0.7}, {2.0, 2.1, 2.3, 1.9, 2.4}, {1.6, 1.2, 2.0, 1.4, 1.8}};

    @Test
    void vectorA1AnswerLoss() {
        AnswerLoss l = AnswerLoss.of("0", new double[] {-2.6437550329602386, -5.172605409502925, -2.312244953706633});
        assertEquals(10.128605396169796, l.sum(), 1e-13);
        assertEquals(3, l.count());
        assertEquals(3.3762017987232653, l.mean(), 1e-14);
        assertEquals(0.03417701972182956, Math.exp(-l.mean()), 1e-16);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> AnswerLoss.of("17", new double[0]));
        assertTrue(e.getMessage().contains("sample 17"));
    }

    @Test
    void vectorA2A3Probability() {
        assertRel(0.4156690500020324, TofuFormulas.probability(new double[] {0.25, 1.10, 2.00}), 1e-15, "A2");
        double[] gt = {0.9, 2.3};
        double[][] pert = {{1.2, 2.5, 3.1}, {2.0, 1.9, 2.8}};
        double[] per = TofuFormulas.probabilityWithOptionsPerSample(gt, pert, 0);
        assertRel(0.48696921582327496, per[0], 1e-15, "A3 sample 0");
        assertRel(0.22480931963305267, per[1], 1e-15, "A3 sample 1");
        assertRel(0.3558892677281638, TofuFormulas.probabilityWithOptions(gt, pert), 1e-15, "A3");
        assertRel(0.35588926767379603, TofuFormulas.probabilityWithOptionsOu(gt, pert), 1e-15, "A3 OU");
    }

    @Test
    void vectorA4TruthRatio() {
        double[] r = TofuFormulas.truthRatio(PARA, PERT);
        double[] expected = {0.4493289641172217, 1.0, 1.06183654654536, 0.3011942119122022};
        for (int i = 0; i < 4; i++) {
            assertRel(expected[i], r[i], 1e-14, "R[" + i + "]");
        }
        double[] c = TofuFormulas.inverseTruthRatio(PARA, PERT);
        assertRel(0.673071927403418, TofuFormulas.truthRatioForget(c), 1e-14, "TR forget");
        assertRel(0.31236920599264406, TofuFormulas.truthRatioRetain(c), 1e-14, "TR retain");
        double[] ou = TofuFormulas.truthRatioOu(PARA, PERT);
        assertRel(0.67307192748181, TofuFormulas.closerToOneBetter(ou), 1e-13, "OU closer_to_1_better");
        assertRel(0.31236920610456487, TofuFormulas.trueBetter(ou), 1e-14, "OU true_better");
        assertRel(0.610875940610778, TofuFormulas.probMean(PARA, PERT), 1e-14, "OU prob_mean");
        // The old utils.py formula (arithmetic mean of perturbed probabilities) must not be what we compute.
        assertNotEquals(0.2999080057678619, TofuFormulas.truthRatioRetain(c), 1e-6);
    }

    @Test
    void vectorA7ModelUtility() {
        assertRel(0.6209608830349409, TofuFormulas.modelUtility(new double[] {0.9, 0.45, 0.55, 0.88, 0.42, 0.60, 0.98, 0.99, 0.47}), 1e-15, "A7");
        assertEquals(0.0, TofuFormulas.modelUtility(new double[] {0.9, 0.45, 0.55, 0.88, 0.42, 0.60, 0.98, 0.99, 0}));
        assertThrows(InvalidInputException.class, () -> TofuFormulas.modelUtility(new double[8]));
    }

    @Test
    void vectorA8Memorization() {
        int[][][] cases = {{{5, 9, 2, 7, 7, 1}, {5, 3, 2, 7, 7, 1}}, {{4, 4, 4, 4}, {1, 2, 3, 4}}, {{1, 2, 3}, {1, 2, 3}}, {{9, 9, 9}, {1, 2, 3}}};
        double[] em = {0.8333333333333334, 0.25, 1.0, 0.0};
        double[] es = {0.6666666666666667, 0.25, 1.0, 0.33333333333333337};
        for (int i = 0; i < cases.length; i++) {
            assertEquals(em[i], Memorization.exactMemorization(cases[i][0], cases[i][1]), 0.0, "EM " + i);
            assertEquals(es[i], Memorization.extractionStrength(cases[i][0], cases[i][1]), 0.0, "ES " + i);
        }
        assertTrue(Double.isNaN(Memorization.exactMemorization(new int[0], new int[0])));
        assertEquals(0.0, Memorization.extractionStrength(new int[0], new int[0]));
    }

    @Test
    void numpyPairwiseSumDiffersFromNaiveWhereNumpyDoes() {
        // 0.1 repeated 10: numpy's 8-accumulator block gives 1.0, left-to-right gives 0.9999999999999999.
        double[] a = new double[10];
        java.util.Arrays.fill(a, 0.1);
        double naive = 0;
        for (double v : a) {
            naive += v;
        }
        assertEquals(0.9999999999999999, naive, 0.0);
        assertEquals(1.0, dev.unlearn.eval.stats.NumpySum.sum(a), 0.0);
        assertArrayEquals(new double[] {1.0}, new double[] {dev.unlearn.eval.stats.NumpySum.sum(a)});
    }
}

package dev.unlearn.eval.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Test vector A6 and the direct formula checks of spec §2.6. */
class KolmogorovSmirnovTest {
    private static void assertRel(double expected, double actual, double rtol, String what) {
        assertTrue(Math.abs(expected - actual) <= rtol * Math.abs(expected),
                what + ": expected " + expected + " got " + actual + " (rel " + Math.abs(expected - actual) / Math.abs(expected) + ")");
    }

    @Test
    void vectorA6Exact() {
        double[][][] cases = {
            {{0.12, 0.35, 0.51, 0.77, 0.90}, {0.05, 0.08, 0.22, 0.31, 0.40}},
            {{1.1, 2.4, 3.3, 0.7, 5.0, 2.2, 4.1}, {0.2, 1.0, 0.9, 1.7, 0.3}},
            {{1, 2, 2, 3, 3, 3, 4, 5}, {2, 3, 4, 4, 5, 5, 6, 6}},
        };
        double[] d = {0.6, 0.7142857142857143, 0.5};
        long[][] hLcm = {{3, 5}, {25, 35}, {4, 8}};
        double[] p = {0.35714285714285715, 0.06565656565656565, 0.2826728826728826};
        double[] pAsym = {0.31999999999999984, 0.0466472303206997, 0.1875};
        for (int c = 0; c < cases.length; c++) {
            KolmogorovSmirnov.Result r = KolmogorovSmirnov.test(cases[c][0], cases[c][1]);
            assertEquals(d[c], r.statistic(), 1e-15, "D case " + c);
            assertEquals(hLcm[c][0], r.h(), "h case " + c);
            assertEquals(hLcm[c][1], r.lcm(), "lcm case " + c);
            assertTrue(r.exact());
            assertRel(p[c], r.pValue(), 1e-12, "exact p case " + c);
            KolmogorovSmirnov.Result a = KolmogorovSmirnov.test(cases[c][0], cases[c][1], true);
            assertFalse(a.exact());
            assertRel(pAsym[c], a.pValue(), 5e-7, "asymptotic p case " + c);
        }
    }

    @Test
    void equalSizeFormulaTinyPValues() {
        assertRel(1.0250989267399929e-29, KolmogorovSmirnov.exactEqual(400, 162), 1e-12, "n=400 h=162");
        assertRel(6.784754222980868e-07, KolmogorovSmirnov.exactEqual(400, 77), 1e-12, "n=400 h=77");
        assertRel(1.3969162950232394e-16, KolmogorovSmirnov.exactEqual(200, 85), 1e-12, "n=200 D=0.425");
    }

    @Test
    void insideMethodAgreesWithEqualSizeFormula() {
        // Same distribution by two independent algorithms, including a tiny p.
        for (int[] nh : new int[][] {{40, 5}, {40, 20}, {200, 85}, {60, 30}}) {
            double eq = KolmogorovSmirnov.exactEqual(nh[0], nh[1]);
            double in = KolmogorovSmirnov.exactInside(nh[0], nh[0], nh[1]);
            assertRel(eq, in, 1e-12, "n=" + nh[0] + " h=" + nh[1]);
        }
    }

    @Test
    void statisticHandlesTiesAndSignedZeros() {
        double[] x = {-0.0, 0.0, 1.0};
        double[] y = {0.0, 2.0, 3.0};
        KolmogorovSmirnov.Result r = KolmogorovSmirnov.test(x, y);
        // At v=0: i=2, j=1 → |2/3 − 1/3|; at v=1: |1 − 1/3| = 2/3.
        assertEquals(2.0 / 3.0, r.statistic(), 1e-15);
        assertEquals(1.0, KolmogorovSmirnov.test(new double[] {1, 2, 3}, new double[] {3, 2, 1}).pValue());
    }

    @Test
    void symmetricInArgumentsAndReciprocal() {
        Random rnd = new Random(7);
        double[] x = new double[40];
        double[] y = new double[40];
        for (int i = 0; i < 40; i++) {
            x[i] = Math.exp(rnd.nextGaussian());
            y[i] = Math.exp(rnd.nextGaussian() + 0.8);
        }
        double p = KolmogorovSmirnov.test(x, y).pValue();
        assertEquals(p, KolmogorovSmirnov.test(y, x).pValue(), 0.0);
        double[] rx = new double[40];
        double[] ry = new double[40];
        for (int i = 0; i < 40; i++) {
            rx[i] = 1 / x[i];
            ry[i] = 1 / y[i];
        }
        assertEquals(p, KolmogorovSmirnov.test(rx, ry).pValue(), 0.0, "x→1/x keeps the p-value (c vs R)");
    }

    private static double[] seq(int n, int a, int m, double s, double off) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = ((i * a) % m) / s + off;
        }
        return v;
    }

    @Test
    void matchesScipyOnGeneratedCasesIncludingTinyPValues() {
        // Expected values: scipy 1.17.1 ks_2samp on the same integer-derived samples (ties included).
        Object[][] cases = {
            {seq(200, 37, 101, 10, 0), seq(200, 53, 97, 10, 2), 0.2, 0.000648608042418048},
            {seq(400, 37, 101, 10, 0), seq(400, 53, 97, 10, 3), 0.2975, 5.137999089404319e-16},
            {seq(117, 37, 101, 10, 0), seq(100, 53, 97, 10, 1), 0.10384615384615385, 0.5579302107378664},
            {seq(40, 7, 13, 1, 0), seq(60, 5, 11, 1, 0), 0.15, 0.6176896505295096},
            {seq(300, 37, 101, 10, 0), seq(400, 53, 97, 10, 4), 0.39666666666666667, 1.3902911457534604e-24},
            {seq(300, 37, 101, 10, 0), seq(400, 53, 97, 10, 6), 0.5966666666666667, 3.054763639414911e-57},
        };
        for (int c = 0; c < cases.length; c++) {
            KolmogorovSmirnov.Result r = KolmogorovSmirnov.test((double[]) cases[c][0], (double[]) cases[c][1]);
            assertEquals((double) cases[c][2], r.statistic(), 1e-15, "D case " + c);
            assertRel((double) cases[c][3], r.pValue(), 1e-12, "p case " + c);
        }
    }

    @Test
    void asymptoticBranchAboveTenThousand() {
        // scipy 1.17.1 method='auto' switches to kstwo.sf here: D 0.012630353631303538, p 0.346121146283355.
        KolmogorovSmirnov.Result r = KolmogorovSmirnov.test(seq(10001, 37, 1009, 100, 0), seq(12000, 53, 997, 100, 0.12));
        assertFalse(r.exact());
        assertEquals(0.012630353631303538, r.statistic(), 1e-15);
        assertRel(0.346121146283355, r.pValue(), 5e-7, "asymptotic p");
    }

    @Test
    void rejectsEmptyAndNaN() {
        assertThrows(InvalidInputException.class, () -> KolmogorovSmirnov.test(new double[0], new double[] {1}));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> KolmogorovSmirnov.test(new double[] {1, Double.NaN}, new double[] {1}));
        assertTrue(e.getMessage().contains("position 1"), e.getMessage());
    }
}

package dev.unlearn.eval.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.unlearn.core.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Test vector C-AUC (spec §4.1) and the harmonic mean vector A7 (§2.7). */
class RocAucTest {
    @Test
    void vectorCAuc() {
        double[] forget = {0.2, 0.5, 0.5, 0.9, 0.1};
        double[] holdout = {0.5, 0.8, 1.2, 0.3};
        assertEquals(0.7, RocAuc.auc(forget, holdout), 1e-15);
        // Swapping the labels gives the complement.
        assertEquals(0.3, RocAuc.auc(holdout, forget), 1e-15);
    }

    @Test
    void curveEndsAtOneOneAndIsMonotone() {
        List<RocAuc.Point> pts = RocAuc.curve(new double[] {0.2, 0.5, 0.5, 0.9, 0.1}, new double[] {0.5, 0.8, 1.2, 0.3});
        assertEquals(0.0, pts.get(0).falsePositiveRate());
        RocAuc.Point last = pts.get(pts.size() - 1);
        assertEquals(1.0, last.falsePositiveRate());
        assertEquals(1.0, last.truePositiveRate());
        double area = 0;
        for (int i = 1; i < pts.size(); i++) {
            area += (pts.get(i).falsePositiveRate() - pts.get(i - 1).falsePositiveRate())
                    * (pts.get(i).truePositiveRate() + pts.get(i - 1).truePositiveRate()) / 2;
        }
        assertEquals(0.7, area, 1e-12, "trapezoid area under the curve equals the AUC");
    }

    @Test
    void harmonicMeanVectorA7() {
        double[] v = {0.9, 0.45, 0.55, 0.88, 0.42, 0.60, 0.98, 0.99, 0.47};
        String[] names = new String[9];
        java.util.Arrays.fill(names, "c");
        assertEquals(0.6209608830349409, HarmonicMean.of(names, v), 1e-15);
        v[8] = 0;
        assertEquals(0.0, HarmonicMean.of(names, v));
        v[8] = -0.1;
        assertThrows(InvalidInputException.class, () -> HarmonicMean.of(names, v));
    }
}

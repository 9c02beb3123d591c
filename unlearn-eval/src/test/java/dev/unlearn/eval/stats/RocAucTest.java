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
        assertEquals(0.6209608830349409, HarmonicMean.of(names, v), 0);
        v[8] = 0;
        assertEquals(0.0, HarmonicMean.of(names, v));
        v[8] = -0.1;
        assertThrows(InvalidInputException.class, () -> HarmonicMean.of(names, v));
    }

    /**
     * scipy 1.17.1 {@code hmean} to the last bit, on vectors where {@code n / Σ 1/v} summed left to right
     * is 1 to 2 ulp off (scipy: {@code 1 / np.mean(1 / v)}, numpy's pairwise sum).
     */
    @Test
    void harmonicMeanIsScipysToTheLastBit() {
        double[][] v = {
            {0.4679349528437208, 0.3030324268193135, 0.2784256121007733, 0.2548695876541246, 0.4450763058826466,
                0.5045482589579533, 0.5534973520744925, 0.9955002834343927, 0.7926619192137531},
            {0.7417709473618571, 0.09149560506304566, 0.5411438213764888, 0.50777223630035, 0.8713393766928806,
                0.3612640590141576, 0.5981840672072131, 0.05925164234550362, 0.3876318011107287},
            {0.9279056847445244, 0.5523264876672638, 0.18055249844891164, 0.8840568941964699, 0.6415717052224807,
                0.5696942744738079, 0.3762878361299201, 0.41095528215712984, 0.23948921268184487},
            {0.03805728669123909, 0.876218808109271, 0.4677302168140961, 0.5476351992137353, 0.3221633097802251,
                0.7513249198549279, 0.025196870801760363, 0.37218527256520395, 0.03035029438411163,
                0.12289210220500935, 0.9671482353973677, 0.6577607300385144}};
        double[] scipy = {0.42345394925376306, 0.21876882755757515, 0.4065339719723113, 0.09849720513605856};
        for (int i = 0; i < v.length; i++) {
            String[] names = new String[v[i].length];
            java.util.Arrays.fill(names, "c");
            assertEquals(scipy[i], HarmonicMean.of(names, v[i]), 0, "vector " + i);
        }
    }

    /**
     * scikit-learn 1.2.1 {@code roc_auc_score([0]*n + [1]*m, negative + positive)} to the last bit, on sets
     * where the exact count {@code (2·greater + equal) / (2·n·m)} rounds differently (0.375 against sklearn's
     * 0.37500000000000006: its trapezoid sum is not exact).
     */
    @Test
    void aucIsSklearnsToTheLastBit() {
        double[][] negative = {{0.66, 0.28, 0.14, 0.79, 0.67, 0.51}, {0.8, 0.87, 0.13, 0.47, 0.28, 0.08, 0.9, 0.43, 0.15, 0.67},
            {0.85, 0.22, 0.32, 0.26, 0.98, 0.94, 0.34, 0.44, 0.31}};
        double[][] positive = {{0.82, 0.55, 0.98, 0.2, 0.55, 0.48, 0.35, 0.59}, {0.2, 0.9, 0.22, 0.03, 0.2, 0.35},
            {0.75, 0.04, 0.07, 0.4, 0.25, 0.85, 0.74, 0.55}};
        double[] sklearn = {0.5416666666666667, 0.37500000000000006, 0.42361111111111116};
        for (int i = 0; i < sklearn.length; i++) {
            assertEquals(sklearn[i], RocAuc.auc(negative[i], positive[i]), 0, "pair " + i);
        }
    }
}

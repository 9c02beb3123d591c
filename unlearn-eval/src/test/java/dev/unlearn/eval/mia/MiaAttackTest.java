package dev.unlearn.eval.mia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.Metrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Test vectors C-AUC, C-ZLIB, C-MINK, C-MINK++ and C-GRAD of spec §4. */
class MiaAttackTest {
    @Test
    void vectorCZlib() {
        assertEquals(48, MiaAttack.zlibLength("The author's full name is Hsiao Yun-Hwa."));
        assertEquals(8, MiaAttack.zlibLength(""));
        MiaSample s = new MiaSample(0.8, "The author's full name is Hsiao Yun-Hwa.", null, null, null, Double.NaN);
        assertEquals(0.016666666666666666, MiaAttack.ZLIB.score("0", s), 0.0);
    }

    @Test
    void vectorCMinK() {
        double[] lp = {-0.05, -2.30, -0.70, -4.10, -0.01, -1.20, -0.35, -3.00, -0.90, -0.15};
        assertEquals(2.6499999999999995, MiaAttack.minK(0.4).score("0", MiaSample.ofLogProbs(1, lp)), 1e-15);
        assertEquals(3.55, MiaAttack.minK(0.2).score("0", MiaSample.ofLogProbs(1, lp)), 1e-15);
        assertEquals(0.0, MiaAttack.minKScore(new double[0], 0.4));
        double mean = 0;
        for (double v : lp) {
            mean -= v / lp.length;
        }
        assertEquals(1.2760000000000002, mean, 1e-15);
    }

    static double[] logSoftmax(double[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            m = Math.max(m, v);
        }
        double s = 0;
        for (double v : z) {
            s += Math.exp(v - m);
        }
        double lse = m + Math.log(s);
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = z[i] - lse;
        }
        return out;
    }

    @Test
    void vectorCMinKPlusPlus() {
        double[][] logits = {{2.0, 0.5, -1.0, 0.0}, {0.1, 0.2, 0.3, 0.4}, {3.0, -2.0, 1.0, 0.5}};
        double[][] rows = new double[3][];
        for (int i = 0; i < 3; i++) {
            rows[i] = logSoftmax(logits[i]);
        }
        MiaSample.VocabStats v = MiaSample.VocabStats.fromLogSoftmaxRows(rows, new int[] {1, 3, 0});
        double[] lp = {-1.8423495823898222, -1.242535529455163, -0.2022534476793516};
        double[] mu = {-0.8782811752687327, -1.380070811244773, -0.6185172818922772};
        double[] var = {0.7718683616021066, 0.012394423310403635, 0.8256320945917246};
        double[] z = {-1.0973274192559739, 1.2353811183465362, 0.45811593325603367};
        double[] gotZ = MiaAttack.zScores(v);
        for (int t = 0; t < 3; t++) {
            assertEquals(lp[t], v.targetLogProb()[t], 1e-14, "lp " + t);
            assertEquals(mu[t], v.mean()[t], 1e-14, "mu " + t);
            assertEquals(var[t], v.variance()[t], 1e-13, "var " + t);
            assertEquals(z[t], gotZ[t], 1e-12, "z " + t);
        }
        MiaSample s = new MiaSample(1, null, null, v, null, Double.NaN);
        assertEquals(1.0973274192559739, MiaAttack.minKPlusPlus(0.4).score("0", s), 1e-12);
    }

    @Test
    void vectorCGrad() {
        double[] norms2 = {GradNorm.norm(new double[] {3, 4}, 2), GradNorm.norm(new double[] {1, 2, 2}, 2)};
        assertEquals(4.0, GradNorm.score(norms2), 0.0);
        assertEquals(6.0, GradNorm.score(new double[] {GradNorm.norm(new double[] {3, 4}, 1), GradNorm.norm(new double[] {1, 2, 2}, 1)}), 0.0);
        double inf = Double.POSITIVE_INFINITY;
        assertEquals(3.0, GradNorm.score(new double[] {GradNorm.norm(new double[] {3, 4}, inf), GradNorm.norm(new double[] {1, 2, 2}, inf)}), 0.0);
    }

    static MiaSamples set(double... losses) {
        Map<String, MiaSample> m = new LinkedHashMap<>();
        for (int i = 0; i < losses.length; i++) {
            m.put(Integer.toString(i), new MiaSample(losses[i], "text " + i, new double[] {-losses[i]}, null, null, 0.1));
        }
        return new MiaSamples(m);
    }

    @Test
    void lossMetricThroughRegistryGivesVectorCAuc() {
        EvaluationContext c = new EvaluationContext()
                .put(MiaInputs.FORGET, set(0.2, 0.5, 0.5, 0.9, 0.1))
                .put(MiaInputs.HOLDOUT, set(0.5, 0.8, 1.2, 0.3));
        Map<String, MetricResult> r = Metrics.run(List.of("mia_loss", "mia_reference"), c);
        assertEquals(0.7, r.get("mia_loss").scalar("auc"), 1e-15);
        assertEquals(0.44, r.get("mia_loss").scalar("forget_mean"), 1e-15);
        assertEquals(0.9, r.get("mia_loss").series("forget").get("3"), 0.0);
        // Subtracting a constant reference loss keeps the ranking.
        assertEquals(0.7, r.get("mia_reference").scalar("auc"), 1e-15);
        assertThrows(InvalidInputException.class, () -> Metrics.run(List.of("mia_gradnorm"), c));
    }
}

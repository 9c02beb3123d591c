package dev.unlearn.eval.muse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.Metrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed test vectors for every MUSE formula (spec §3.2–3.5), in the way the evaluation spec
 * builds its vectors: inputs small enough to work out on paper, expected values derived by hand.
 */
class MuseFormulaVectorsTest {
    @Test
    void verbMemIsMeanRougeLF1TimesHundred() {
        // "the cat sat on the mat" vs "the cat lay on a mat": LCS = the cat on mat = 4 of 6 and 6: P = R = F1 = 2/3.
        // "a b c" vs itself: F1 = 1. Mean (2/3 + 1) / 2 = 5/6; MUSE reports x100, no stemming.
        List<VerbMem.Continuation> c = List.of(new VerbMem.Continuation("the cat sat on the mat", "the cat lay on a mat"),
                new VerbMem.Continuation("a b c", "a b c"));
        assertEquals(2.0 / 3.0, VerbMem.perSample(c, VerbMem.Variant.MUSE)[0], 1e-15);
        assertEquals(500.0 / 6.0, VerbMem.score(c, VerbMem.Variant.MUSE), 1e-12);
        // Stemming only in the OU variant: "running dogs" vs "run dog" is 0 unstemmed, 1 stemmed (fraction).
        List<VerbMem.Continuation> s = List.of(new VerbMem.Continuation("running dogs", "run dog"));
        assertEquals(0.0, VerbMem.score(s, VerbMem.Variant.MUSE), 0.0);
        assertEquals(1.0, VerbMem.score(s, VerbMem.Variant.OU), 1e-15);
    }

    @Test
    void knowMemCutsThenScoresRougeLF1() {
        // "Paris.\n\nQuestion: next" is cut to "Paris." -> tokens [paris] vs [paris]: F1 1.
        // "born in Rome\nQuestion ..." is cut to "born in Rome" vs "in Paris": LCS [in] = 1; P = 1/3, R = 1/2, F1 = 0.4.
        List<KnowMem.QA> ref = List.of(new KnowMem.QA("Where?", "Paris"), new KnowMem.QA("Where?", "in Paris"));
        List<String> gen = List.of("Paris.\n\nQuestion: next", "born in Rome\nQuestion: x");
        double[] per = KnowMem.perSample(ref, gen, VerbMem.Variant.MUSE);
        assertEquals(1.0, per[0], 1e-15);
        assertEquals(0.4, per[1], 1e-15);
        assertEquals(70.0, KnowMem.score(ref, gen, VerbMem.Variant.MUSE), 1e-12);
    }

    @Test
    void privLeakMinFortyAucAndRelativeGap() {
        // Min-40%: 5 log-probs -> int(0.4*5) = 2 lowest {-5, -4} -> score 4.5.
        assertEquals(4.5, PrivLeak.museMinKScore(new double[] {-1, -2, -3, -4, -5}, 0.4), 1e-15);
        // 3 log-probs -> int(1.2) = 1 lowest.
        assertEquals(7.0, PrivLeak.museMinKScore(new double[] {-7, -1, -2}, 0.4), 1e-15);
        // AUC_MUSE = P(holdout < forget) + 1/2 P(=): forget {1, 2}, holdout {3, 2}: pairs (3,1) (3,2) (2,1) no, (2,2) tie.
        assertEquals(0.125, PrivLeak.aucMuse(new double[] {1, 2}, new double[] {3, 2}), 1e-15);
        // forget {3, 4}, holdout {1, 2}: every holdout score below every forget score.
        assertEquals(1.0, PrivLeak.aucMuse(new double[] {3, 4}, new double[] {1, 2}), 1e-15);
        assertEquals(-75.0, PrivLeak.museOriginal(0.125, 0.5), 1e-12);
        assertEquals(100.0, PrivLeak.museOriginal(1.0, 0.5), 1e-12);
    }

    @Test
    void minKPlusPlusVariantScore() {
        // z = ((-1 + 2) / 1, (-3 + 2) / 2) = (1, -0.5); k = 0.4 of 2 tokens -> max(1, floor(0.8)) = 1 lowest -> 0.5.
        assertEquals(0.5, MuseEvaluator.minKPlusPlusScore(new double[] {-1, -3}, new double[] {-2, -2}, new double[] {1, 2}, 0.4),
                1e-15);
        // sigma below 1e-3 is floored at sqrt(1e-6): z = (-1 - 0) / 1e-3 = -1000.
        assertEquals(1000.0, MuseEvaluator.minKPlusPlusScore(new double[] {-1}, new double[] {0}, new double[] {0}, 0.4), 1e-9);
    }

    @Test
    void publishedNewsRowIsConsistentWithTheFormula() {
        // MUSE-News (spec §3.5): the fine-tuned target has PrivLeak -99.81 against AUC_retrain 0.4772, so its
        // AUC_MUSE is 0.4772 * (1 - 0.9981) = 0.00090668; the retain model itself has PrivLeak 0.
        assertEquals(-99.81, PrivLeak.museOriginal(0.4772 * (1 - 0.9981), PrivLeak.AUC_RETRAIN_NEWS), 1e-9);
        assertEquals(0.0, PrivLeak.museOriginal(PrivLeak.AUC_RETRAIN_NEWS, PrivLeak.AUC_RETRAIN_NEWS), 0.0);
        assertEquals(0.0, PrivLeak.ou(0.55, 0.55), 1e-12);
    }

    private static MuseInputs.TokenLogProbs lp(double[]... rows) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int i = 0; i < rows.length; i++) {
            m.put(Integer.toString(i), rows[i]);
        }
        return new MuseInputs.TokenLogProbs(m);
    }

    @Test
    void privLeakMetricAgainstTheRetainModel() {
        // Model: forget Min-40% scores {1, 2} (memorised), holdout {3, 2}: AUC 0.125.
        // Retain model: forget {3, 4}, holdout {1, 2}: AUC 1.0. PrivLeak = (0.125 - 1) / 1 * 100 = -87.5.
        double[] s1 = {-1, -1, -1, -1, -1};
        double[] s2 = {-2, -2, -2, -2, -2};
        double[] s3 = {-3, -3, -3, -3, -3};
        double[] s4 = {-4, -4, -4, -4, -4};
        EvaluationContext c = new EvaluationContext().put(MuseInputs.PRIVLEAK_FORGET, lp(s1, s2))
                .put(MuseInputs.PRIVLEAK_HOLDOUT, lp(s3, s2)).put(MuseInputs.PRIVLEAK_RETRAINED_FORGET, lp(s3, s4))
                .put(MuseInputs.PRIVLEAK_RETRAINED_HOLDOUT, lp(s1, s2));
        MetricResult r = Metrics.run(List.of("muse_privleak"), c).get("muse_privleak");
        assertEquals(0.125, r.scalar("auc"), 1e-15);
        assertEquals(1.0, r.scalar("auc_retrained"), 1e-15);
        assertEquals(-87.5, r.scalar("privleak"), 1e-12);
    }

    @Test
    void summaryCarriesTheFourMuseColumns() {
        EvaluationContext c = new EvaluationContext()
                .put(MuseInputs.VERBMEM, new MuseInputs.Continuations(Map.of("0", new VerbMem.Continuation("a b c", "a b c"))))
                .put(MuseInputs.KNOWMEM_FORGET, new MuseInputs.Answers(Map.of("0", new KnowMem.QA("q", "Paris")), Map.of("0", "Rome")))
                .put(MuseInputs.KNOWMEM_RETAIN, new MuseInputs.Answers(Map.of("0", new KnowMem.QA("q", "Paris")), Map.of("0", "Paris")))
                .put(MuseInputs.PRIVLEAK_FORGET, lp(new double[] {-1, -1, -1}, new double[] {-2, -2, -2}))
                .put(MuseInputs.PRIVLEAK_HOLDOUT, lp(new double[] {-3, -3, -3}, new double[] {-2, -2, -2}))
                .put(MuseInputs.CORPUS, "news");
        Map<String, Double> s = MuseEvaluator.summary(Metrics.run(List.of("muse_verbmem", "muse_knowmem", "muse_privleak"), c));
        assertEquals(100.0, s.get("verbmem_f"), 1e-12);
        assertEquals(0.0, s.get("knowmem_f"), 0.0);
        assertEquals(100.0, s.get("knowmem_r"), 1e-12);
        assertEquals(s.get("knowmem_r"), s.get("muse_utility"));
        assertEquals((0.125 - 0.4772) / 0.4772 * 100, s.get("privleak"), 1e-12);
        assertTrue(s.containsKey("privleak_auc"));
    }
}

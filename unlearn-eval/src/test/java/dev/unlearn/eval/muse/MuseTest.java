package dev.unlearn.eval.muse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.Metrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Test vector B (spec §3.4) and the VerbMem/KnowMem semantics of §3.2–3.3. */
class MuseTest {
    @Test
    void vectorB() {
        assertEquals(-55.55555554320988, PrivLeak.ou(0.80, 0.55), 1e-9);
        assertEquals(-97.9999999804, PrivLeak.ou(0.99, Double.NaN), 1e-9);
        assertEquals(-58.08885163453478, PrivLeak.museOriginal(0.2, PrivLeak.AUC_RETRAIN_NEWS), 1e-12);
    }

    @Test
    void museMinKHasNoGuardAndOuHas() {
        assertTrue(Double.isNaN(PrivLeak.museMinKScore(new double[] {-1.0, -2.0}, 0.4)));
        assertEquals(2.0, PrivLeak.ouMinKScore(new double[] {-1.0, -2.0}, 0.4), 0.0);
    }

    @Test
    void verbMemVariants() {
        // Row 4 of A5: stemmed F1 0.526315789474, unstemmed 0.421052631579.
        List<VerbMem.Continuation> c = List.of(new VerbMem.Continuation("Her books explore themes of identity, belonging and resilience.",
                "Her works often explore identities and the theme of belonging."));
        assertEquals(42.1052631579, VerbMem.score(c, VerbMem.Variant.MUSE), 1e-9);
        assertEquals(0.526315789474, VerbMem.score(c, VerbMem.Variant.OU), 1e-12);
    }

    @Test
    void knowMemPromptAndCut() {
        String p = KnowMem.prompt(List.of(new KnowMem.QA("Q1?", "A1")), "Q2?");
        assertEquals("Question: Q1?\nAnswer: A1\n\nQuestion: Q2?\nAnswer: ", p);
        assertEquals("Paris", KnowMem.cut("Paris\n\nQuestion: next"));
        assertEquals("Paris ", KnowMem.cut("Paris Question: x"));
        assertEquals("Paris", KnowMem.cut("Paris\nQuestion"));
    }

    static MuseInputs.TokenLogProbs lp(double... meanLosses) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int i = 0; i < meanLosses.length; i++) {
            m.put(Integer.toString(i), new double[] {-meanLosses[i], -meanLosses[i] / 2, -0.01, -0.02, -0.03});
        }
        return new MuseInputs.TokenLogProbs(m);
    }

    @Test
    void privLeakMetricMuseOriginalUsesPublishedConstant() {
        // Forget texts have lower scores (memorised): AUC_MUSE = P(holdout < forget) = 0.
        EvaluationContext c = new EvaluationContext().put(MuseInputs.PRIVLEAK_FORGET, lp(0.1, 0.2))
                .put(MuseInputs.PRIVLEAK_HOLDOUT, lp(3, 4, 5)).put(MuseInputs.CORPUS, "news");
        MetricResult r = Metrics.run(List.of("muse_privleak"), c).get("muse_privleak");
        assertEquals(0.0, r.scalar("auc"));
        assertEquals(-100.0, r.scalar("privleak"), 1e-12);
        EvaluationContext ou = new EvaluationContext().put(MuseInputs.PRIVLEAK_FORGET, lp(0.1, 0.2))
                .put(MuseInputs.PRIVLEAK_HOLDOUT, lp(3, 4, 5)).put(MuseInputs.OU_COMPAT, true);
        MetricResult ro = Metrics.run(List.of("muse_privleak"), ou).get("muse_privleak");
        assertEquals(1.0, ro.scalar("auc"));
        assertEquals(PrivLeak.ou(1.0, Double.NaN), ro.scalar("privleak"), 0.0);
        EvaluationContext none = new EvaluationContext().put(MuseInputs.PRIVLEAK_FORGET, lp(0.1)).put(MuseInputs.PRIVLEAK_HOLDOUT, lp(3));
        assertThrows(InvalidInputException.class, () -> Metrics.run(List.of("muse_privleak"), none));
    }
}

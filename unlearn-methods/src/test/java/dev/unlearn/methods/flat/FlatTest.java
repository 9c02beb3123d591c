package dev.unlearn.methods.flat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.testing.Nd;
import dev.unlearn.methods.testing.Ops;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** methods.md test vectors T5a, T5b, T5c. */
class FlatTest {
    private NDManager m;

    @BeforeEach
    void open() {
        Engines.pytorch();
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    private TokenLogProbs.Result fromProbs(double[] p, int b, int w) {
        double[] lp = new double[p.length];
        double[] mask = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            mask[i] = p[i] > 0 ? 1 : 0;
            lp[i] = p[i] > 0 ? Math.log(p[i]) : 0;
        }
        return new TokenLogProbs.Result(m.create(lp, new Shape(b, w)), m.create(mask, new Shape(b, w)));
    }

    private TokenLogProbs.Result forget() {
        return fromProbs(new double[] {0, 0, .5, .9, .7, 0, 0, .2, .4, 0, 0, 0}, 2, 6);
    }

    private TokenLogProbs.Result template() {
        return fromProbs(new double[] {0, 0, .1, .2, 0, 0, 0, .3, .3, .3, 0, 0}, 2, 6);
    }

    @Test
    void t5aProbabilities() {
        NDArray pf = ForgetTemplateLoss.tokenProbs(forget());
        NDArray pe = ForgetTemplateLoss.tokenProbs(template());
        Nd.close(0.225, pf.mean().getDouble(), "mean over the actual 12 entries");
        Nd.close(0.0027054108216432865, Nd.scalar(ForgetTemplateLoss.referenceProbability(pf, 500)), "P_f reference");
        Nd.close(0.0012024048096192386, Nd.scalar(ForgetTemplateLoss.referenceProbability(pe, 500)), "P_e reference");
        Nd.close(new double[] {0.7, 0.3}, ForgetTemplateLoss.perSampleProbability(pf, forget().mask()), "P_f per-sample");
        Nd.close(new double[] {0.15, 0.3}, ForgetTemplateLoss.perSampleProbability(pe, template().mask()), "P_e per-sample");
    }

    @Test
    void t5aLosses() {
        Object[][] rows = {
            {Divergence.KL, 0.36767364889832793, 0.3937017622365636},
            {Divergence.TOTAL_VARIATION, 0.0007514999954944583, 0.11387068587346137},
            {Divergence.JENSEN_SHANNON, 0.0007525986338521307, 0.18013243168613158},
            {Divergence.PEARSON, 0.0015048358239525142, 0.3474999999999999},
        };
        for (Object[] r : rows) {
            Divergence d = (Divergence) r[0];
            Nd.close((double) r[1], Nd.scalar(ForgetTemplateLoss.loss(forget(), template(), d,
                    ProbabilityForm.REFERENCE, 500, false)), "T5a reference " + d.label());
            Nd.close((double) r[2], Nd.scalar(ForgetTemplateLoss.loss(forget(), template(), d,
                    ProbabilityForm.PER_SAMPLE, 500, false)), "T5a per-sample " + d.label());
        }
    }

    @Test
    void t5bCodedFormsAndDerivatives() {
        Object[][] rows = {
            {"KL", 0.5187307530779819, -1.000000000, 0.818730753},
            {"Pearson", 0.66, -1.000000000, 1.400000000},
            {"Jenson-Shannon", 0.3391615492964144, -0.425557483, 0.689974481},
            {"Total-Variation", 0.18636207890812906, -0.457568481, 0.279527584},
            {"Jeffrey", 0.692, -1.000000000, 1.520000000},
            {"Reverse-KL", -0.45014119242399686, 1.349858808, -1.000000000},
            {"Squared-Hellinger", -0.20081222830677525, 1.349858808, -0.449328964},
            {"Neyman", 1.4554316165760874, 1.349858808, 2.236067978},
        };
        for (Object[] r : rows) {
            Divergence d = Divergence.parse((String) r[0]);
            NDArray pe = m.create(0.3);
            NDArray pf = m.create(0.8);
            Nd.close((double) r[1], Nd.scalar(d.loss(pe, pf, true)), "T5b L " + r[0]);
            double ge = Ops.grad(m.create(0.3), x -> d.loss(x, m.create(0.8), true))[0];
            double gf = Ops.grad(m.create(0.8), x -> d.loss(m.create(0.3), x, true))[0];
            Nd.close((double) r[2], ge, 0, 1e-9, "T5b dL/dPe " + r[0]);
            Nd.close((double) r[3], gf, 0, 1e-9, "T5b dL/dPf " + r[0]);
        }
    }

    @Test
    void t5bOurIncreasingCritics() {
        Object[][] rows = {
            {Divergence.REVERSE_KL, 0.5408182206817179},
            {Divergence.SQUARED_HELLINGER, 0.9663591491741856},
            {Divergence.NEYMAN, 0.4001781286104391},
        };
        for (Object[] r : rows) {
            Divergence d = (Divergence) r[0];
            Nd.close((double) r[1], Nd.scalar(d.loss(m.create(0.3), m.create(0.8), false)), "ours " + d.label());
            double ge = Ops.grad(m.create(0.3), x -> d.loss(x, m.create(0.8), false))[0];
            double gf = Ops.grad(m.create(0.8), x -> d.loss(m.create(0.3), x, false))[0];
            assertEquals(-1.0, Math.signum(ge), d.label() + ": template probability must be raised");
            assertEquals(1.0, Math.signum(gf), d.label() + ": forget probability must be lowered");
        }
    }

    @Test
    void t5cSmallProbabilities() {
        Object[][] rows = {
            {Divergence.KL, 0.3667410234545012},
            {Divergence.PEARSON, 0.030625},
            {Divergence.JENSEN_SHANNON, 0.015362466620029935},
            {Divergence.TOTAL_VARIATION, 0.01498052059897452},
            {Divergence.JEFFREY, 0.0306328125},
        };
        for (Object[] r : rows) {
            Divergence d = (Divergence) r[0];
            Nd.close((double) r[1], Nd.scalar(d.loss(m.create(0.02), m.create(0.05), false)), "T5c " + d.label());
        }
    }

    @Test
    void divergenceNamesAndErrors() {
        assertEquals(Divergence.JENSEN_SHANNON, Divergence.parse("jensen-shannon"));
        assertEquals(Divergence.TOTAL_VARIATION, Divergence.parse("Total-Variation"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Divergence.parse("hellinger"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("divergence")
                && e.getMessage().contains("total-variation") && e.getMessage().contains("neyman"), e.getMessage());
    }
}

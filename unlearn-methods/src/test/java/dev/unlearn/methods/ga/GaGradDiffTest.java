package dev.unlearn.methods.ga;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.methods.loss.TwoTermLoss;
import dev.unlearn.methods.testing.Nd;
import org.junit.jupiter.api.Test;

/** methods.md test vector T1 (GA and GradDiff combinations) and T1 with T2's KL retain. */
class GaGradDiffTest {
    @Test
    void t1Combinations() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray nllF = m.create(1.625);
            NDArray nllR = m.create(0.3);
            Nd.close(-1.625, Nd.scalar(nllF.neg()), "ga");
            Nd.close(-1.325, Nd.scalar(TwoTermLoss.combine(nllF.neg(), 1, nllR, 1)), "graddiff 1/1");
            Nd.close(-1.475, Nd.scalar(TwoTermLoss.combine(nllF.neg(), 1, nllR, 0.5)), "graddiff 1/0.5");
            Nd.close(-1.5932151920135358,
                    Nd.scalar(TwoTermLoss.combine(nllF.neg(), 1, m.create(0.031784807986464214), 1)), "graddiff KL");
        }
    }
}

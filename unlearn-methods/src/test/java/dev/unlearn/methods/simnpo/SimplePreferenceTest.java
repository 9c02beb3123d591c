package dev.unlearn.methods.simnpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.methods.loss.TwoTermLoss;
import dev.unlearn.methods.testing.Nd;
import org.junit.jupiter.api.Test;

/** methods.md test vector T4. */
class SimplePreferenceTest {
    @Test
    void t4() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray nll = m.create(new double[] {3.0, 2.0});
            NDArray len = m.create(new double[] {6, 10});
            Nd.close(0.09808009636640778, Nd.scalar(SimplePreference.forgetLoss(nll, len, 4.5, 0)), "β 4.5 δ 0");
            Nd.close(0.1436059014496731, Nd.scalar(SimplePreference.forgetLoss(nll, len, 4.5, 0.1)), "β 4.5 δ 0.1");
            Nd.close(0.29040242621019186, Nd.scalar(SimplePreference.forgetLoss(nll, len, 2.5, 0)), "β 2.5 δ 0");
            SimNpoConfig d = SimNpoConfig.defaults();
            NDArray lf = SimplePreference.forgetLoss(nll, len, d.beta(), d.delta());
            Nd.close(0.412260012045801, Nd.scalar(TwoTermLoss.combine(lf, d.gamma(), m.create(0.4), d.alpha())),
                    "OU defaults with retain 0.4");
        }
    }

    @Test
    void skipsSamplesWithoutTargets() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray nll = m.create(new double[] {3.0, 0.0, 2.0});
            NDArray len = m.create(new double[] {6, 0, 10});
            Nd.close(0.09808009636640778, Nd.scalar(SimplePreference.forgetLoss(nll, len, 4.5, 0)), "|A| = 0 skipped");
        }
    }
}

package dev.unlearn.methods.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.testing.Nd;
import org.junit.jupiter.api.Test;

class WeightedTermsTest {
    @Test
    void binaryWeightsReduceToTheSubsetLoss() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            // T1's forget batch plus a third sample
            double[] lp = {0, -0.5, -1.0, -2.0, 0, -3.0, 0, 0, 0, -0.7, -0.1, 0};
            double[] mask = {0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0};
            TokenLogProbs.Result r = new TokenLogProbs.Result(m.create(lp, new Shape(3, 4)), m.create(mask, new Shape(3, 4)));
            Nd.close(1.625, WeightedTerms.pooledNll(r, m.create(new double[] {1, 1, 0})).getDouble(), "subset {0,1} = T1");
            Nd.close(SequenceLosses.pooledNll(r).getDouble(),
                    WeightedTerms.pooledNll(r, m.create(new double[] {1, 1, 1})).getDouble(), "all ones = pooled");
            Nd.close(0.4, WeightedTerms.pooledNll(r, WeightedTerms.complement(m.create(new double[] {1, 1, 0})))
                    .getDouble(), "retain side = sample 2");
            NDArray x = m.create(new double[] {2.0, 4.0, 10.0});
            Nd.close(3.5, WeightedTerms.mean(x, m.create(new double[] {0.5, 1.5, 0})).getDouble(), "weighted mean");
        }
    }
}

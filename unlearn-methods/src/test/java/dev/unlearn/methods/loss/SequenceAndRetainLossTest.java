package dev.unlearn.methods.loss;

import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.testing.Nd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** methods.md test vectors T0, T1 and T2. */
class SequenceAndRetainLossTest {
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

    @Test
    void t0SumAndMean() {
        double[] z = {0.2, -1.0, 0.5, 1.5, 1.0, 0.0, -0.5, 0.3, -0.2, 2.0, 0.1, 0.0, 0.7, 0.7, -1.2, 0.4, 0, 0, 0, 0};
        NDArray logits = m.create(z, new Shape(1, 5, 4));
        NDArray labels = m.create(new long[] {-100, -100, 2, 0, 3}, new Shape(1, 5));
        TokenLogProbs.Result r = SequenceLosses.tokenLogProbs(logits.duplicate(), labels);
        Nd.close(new double[] {6.130804128542548}, SequenceLosses.nllSum(r), "T0 NLL_sum");
        Nd.close(new double[] {2.0436013761808494}, SequenceLosses.nllMean(r), "T0 NLL_mean");
        Nd.close(2.0436013761808494, Nd.scalar(SequenceLosses.pooledNll(logits, labels)), "T0 pooled (one sample)");
        // the logits are consumed: closed once their log-softmax exists
        assertThrows(IllegalStateException.class, logits::toDoubleArray);
    }

    /** Builds a shifted log-prob result from ragged per-sample answer log-probs. */
    static TokenLogProbs.Result ragged(NDManager m, double[]... rows) {
        int w = 0;
        for (double[] r : rows) {
            w = Math.max(w, r.length);
        }
        w += 1;
        double[] lp = new double[rows.length * w];
        double[] mask = new double[rows.length * w];
        for (int b = 0; b < rows.length; b++) {
            for (int t = 0; t < rows[b].length; t++) {
                lp[b * w + 1 + t] = rows[b][t];
                mask[b * w + 1 + t] = 1;
            }
        }
        return new TokenLogProbs.Result(m.create(lp, new Shape(rows.length, w)), m.create(mask, new Shape(rows.length, w)));
    }

    @Test
    void t1PooledNotMeanOfMeans() {
        TokenLogProbs.Result f = ragged(m, new double[] {-0.5, -1.0, -2.0}, new double[] {-3.0});
        TokenLogProbs.Result r = ragged(m, new double[] {-0.1, -0.2}, new double[] {-0.3, -0.4, -0.5});
        double nllF = Nd.scalar(SequenceLosses.pooledNll(f));
        Nd.close(1.625, nllF, "T1 NLL_pool(forget)");
        Nd.close(2.0833333333333335, SequenceLosses.nllMean(f).mean().getDouble(), "T1 mean of means (not used)");
        Nd.close(0.3, Nd.scalar(SequenceLosses.pooledNll(r)), "T1 NLL_pool(retain)");
    }

    @Test
    void t2KlAllPositions() {
        NDArray theta = m.create(new double[] {1, 0, -1, 0.5, 0.5, 0, 2, -1, 0, 0, 0, 0}, new Shape(2, 2, 3));
        NDArray ref = m.create(new double[] {0.8, 0.1, -1.2, 0, 1, 0, 2, -1, 0, 0.3, -0.3, 0}, new Shape(2, 2, 3));
        double[] rows = RetainLosses.klPerRow(theta, ref).reshape(-1).toDoubleArray();
        Nd.close(new double[] {0.009136874283, 0.088663037589, 0, 0.029339320073}, rows, 1e-10, 1e-12, "T2 per-row KL");
        NDArray labels = m.create(new long[] {-100, 1, -100, -100}, new Shape(2, 2));
        Nd.close(0.031784807986464214, Nd.scalar(RetainLosses.kl(theta, ref, labels, LossPositions.ALL)), "T2 KL all");
        // answer-only: only row (0,0) predicts a target (label at t+1 = 1)
        Nd.close(0.009136874283, Nd.scalar(RetainLosses.kl(theta, ref, labels, LossPositions.ANSWER)), 1e-10, 0,
                "KL answer rows");
    }
}

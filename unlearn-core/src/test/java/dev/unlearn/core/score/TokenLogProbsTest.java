package dev.unlearn.core.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import org.junit.jupiter.api.Test;

class TokenLogProbsTest {
    /** methods.md test vector T0 (computed in float64). */
    @Test
    void reproducesT0() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            double[] z = {
                0.2, -1.0, 0.5, 1.5,
                1.0, 0.0, -0.5, 0.3,
                -0.2, 2.0, 0.1, 0.0,
                0.7, 0.7, -1.2, 0.4,
                0, 0, 0, 0
            };
            NDArray logits = m.create(z, new Shape(1, 5, 4));
            NDArray labels = m.create(new long[] {-100, -100, 2, 0, 3}, new Shape(1, 5));
            TokenLogProbs.Result r = TokenLogProbs.of(logits, labels);
            double[] lp = r.logProbs().toDoubleArray();
            assertArrayEquals(new double[] {0, 1, 1, 1}, r.mask().toDoubleArray());
            assertEquals(-2.236012640236, lp[1], 1e-11);
            assertEquals(-2.533401140502, lp[2], 1e-11);
            assertEquals(-1.361390347805, lp[3], 1e-11);
            assertEquals(6.130804128542548, -r.sumPerSample().getDouble(0), 1e-12);
            assertEquals(3.0, r.countPerSample().getDouble(0));
        }
    }
}

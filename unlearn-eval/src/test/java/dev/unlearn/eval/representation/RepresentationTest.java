package dev.unlearn.eval.representation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.Metrics;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/** Test vectors D-CKA, D-KNN and D-RIDGE of spec §5. */
class RepresentationTest {
    static final double[][] X = {{1.0, 2.0, 0.5}, {0.3, -1.0, 2.0}, {2.2, 0.1, -0.4}, {-1.0, 0.7, 1.1}, {0.5, 0.5, 0.5}, {1.8, -0.6, 0.9}};
    static final double[][] Y = {{0.9, 1.0}, {0.1, -0.5}, {2.0, 0.7}, {-0.8, 0.2}, {0.4, 0.3}, {1.5, -1.1}};

    @Test
    void vectorDCka() {
        assertEquals(0.8941426482519946, Cka.linear(X, Y), 1e-14);
        assertEquals(0.8941426482519944, Cka.linearFeatureSpace(X, Y), 1e-14);
        assertEquals(0.8925289716070177, Cka.cka(X, Y, Cka.rbf(1.0), false), 1e-13);
        assertEquals(0.9250160664024526, Cka.cka(X, Y, Cka.rbf(0.5), false), 1e-13);
        assertEquals(0.8935094317363527, Cka.cka(X, Y, Cka.rbfNonZeroMedian(), false), 1e-13);
        assertEquals(0.9344102552390499, Cka.cka(X, Y, Cka.LINEAR, true), 1e-13);
        assertEquals(0.9464027216805795, Cka.linearBatchMean(X, Y, 3), 1e-13);
        RealMatrix q = new QRDecomposition(new Array2DRowRealMatrix(new double[][] {{1, 2, 0}, {0, 1, 3}, {2, 0, 1}})).getQ();
        RealMatrix y2 = new Array2DRowRealMatrix(X).multiply(q).scalarMultiply(3);
        assertEquals(1.0, Cka.linear(X, y2.getData()), 1e-13);
    }

    @Test
    void ckaEdgeCases() {
        double[][] constant = {{1, 1}, {1, 1}, {1, 1}, {1, 1}};
        assertTrue(Double.isNaN(Cka.linear(constant, new double[][] {{1}, {2}, {3}, {4}})));
        assertThrows(InvalidInputException.class, () -> Cka.cka(constant, constant, Cka.rbf(1), false));
        assertThrows(InvalidInputException.class, () -> Cka.cka(new double[3][1], new double[3][1], Cka.LINEAR, true));
        assertThrows(InvalidInputException.class, () -> Cka.linear(X, new double[5][2]));
    }

    static final double[][] TRAIN = {{1, 0}, {0.9, 0.1}, {0, 1}, {0.1, 0.9}, {-1, 0}, {-0.9, -0.2}};
    static final int[] LABELS = {0, 0, 1, 1, 2, 2};
    static final double[][] TEST = {{0.8, 0.3}, {0.2, 0.8}, {-0.7, 0.1}, {0.55, 0.65}};

    @Test
    void vectorDKnn() {
        int[] pred = Probes.knnPredict(TRAIN, LABELS, TEST, 3);
        assertArrayEquals(new int[] {0, 1, 2, 1}, pred);
        assertEquals(1.0, Probes.accuracy(pred, new int[] {0, 1, 2, 1}));
    }

    @Test
    void vectorDRidge() {
        Probes.Ridge r = Probes.fitRidge(TRAIN, LABELS, 1.0);
        double[][] w = {{0.3687614544280032, -0.03958958919673374, -0.32917186523126946},
            {-0.1999482097474307, 0.40106109530567224, -0.2011128855582416},
            {0.3333333333333333, 0.3333333333333333, 0.3333333333333333}};
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(w[i], r.weights()[i], 1e-14, "W row " + i);
        }
        assertArrayEquals(new double[] {0.4370416417851374, 0.6054541323272673, -0.042495774112404794}, r.scores(TEST[3]), 1e-14);
        assertArrayEquals(new int[] {0, 1, 2, 1}, Probes.ridgePredict(r, TEST));
    }

    @Test
    void authorSplit() {
        assertEquals(0, Probes.authorLabel(19));
        assertEquals(1, Probes.authorLabel(20));
        assertTrue(Probes.isTestRow(4));
        assertTrue(Probes.isTestRow(24));
        assertTrue(!Probes.isTestRow(5));
    }

    @Test
    void metricsOverSyntheticAuthors() {
        Random rnd = new Random(3);
        double[][] unl = new double[40][4];
        double[][] ret = new double[40][4];
        for (int i = 0; i < 40; i++) {
            int a = Probes.authorLabel(i);
            for (int d = 0; d < 4; d++) {
                unl[i][d] = (d == a ? 3 : 0) + rnd.nextGaussian() * 0.1;
                ret[i][d] = rnd.nextGaussian();
            }
        }
        RepresentationInputs.Features f = new RepresentationInputs.Features(Map.of(
                RepresentationInputs.UNLEARNED, Map.of("forget", Map.of(1, unl, 2, unl)),
                RepresentationInputs.RETRAINED, Map.of("forget", Map.of(1, ret, 2, unl))));
        EvaluationContext c = new EvaluationContext().put(RepresentationInputs.FEATURES, f);
        Map<String, MetricResult> r = Metrics.run(List.of("representation_cka", "representation_knn", "representation_ridge"), c);
        assertEquals(1.0, r.get("representation_cka").scalar("cka_to_retrained/forget/2"), 1e-12);
        assertTrue(r.get("representation_cka").scalar("cka_to_retrained/forget/1") < 0.5);
        assertEquals(1.0, r.get("representation_knn").scalar("knn_accuracy/unlearned/forget/1"));
        assertEquals(1.0, r.get("representation_ridge").scalar("ridge_accuracy/unlearned/forget/mean"));
    }
}

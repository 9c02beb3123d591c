package dev.unlearn.methods.ssd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.testing.Nd;
import dev.unlearn.methods.testing.Ops;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** methods.md test vector T6 and the autograd importance pass. */
class SsdTest {
    private static final double[] THETA = {1, -2, 0.5, 3};
    private static final double[][] GRAD_D = {{0.2, -0.1, 0, 0.05}, {0.4, 0.1, 0, -0.05}, {-0.2, 0.3, 0.01, 0}};
    private static final double[][] GRAD_F = {{1.0, 0.1, 0, 0.3}, {0.6, -0.1, 0, 0.5}};
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

    private Map<String, NDArray> importance(double[][] grads) {
        FisherImportance acc = new FisherImportance(m);
        for (double[] g : grads) {
            acc.add(Map.of("w", m.create(g)));
        }
        return acc.importances();
    }

    private Map<String, SelectiveDampening.TensorReport> run(NDArray theta, double alpha, double lambda, double e) {
        SsdConfig c = new SsdConfig(alpha, lambda, e, 1, 8, 1, List.of(), List.of());
        return SelectiveDampening.apply(Map.of("w", theta), importance(GRAD_F), importance(GRAD_D), c);
    }

    @Test
    void t6Importances() {
        Nd.close(new double[] {0.08, 0.0366666666667, 3.33333333333e-5, 0.00166666666667},
                importance(GRAD_D).get("w").toDoubleArray(), 1e-11, 1e-14, "I_D");
        Nd.close(new double[] {0.68, 0.01, 0, 0.17}, importance(GRAD_F).get("w").toDoubleArray(), "I_f");
    }

    @Test
    void t6DefaultSelectsOnlyElement3() {
        NDArray theta = m.create(THETA);
        SelectiveDampening.TensorReport r = run(theta, 10, 1, 1).get("w");
        Nd.close(new double[] {1, -2, 0.5, 0.029411764706}, theta.toDoubleArray(), 1e-10, 1e-12, "θ' α10 λ1");
        assertEquals(1, r.selected());
        assertEquals(1, r.changed());
        Nd.close(0.009803921569, r.meanBeta(), 1e-9, 0, "β_3");
    }

    @Test
    void t6Lambda50And200() {
        NDArray theta = m.create(THETA);
        run(theta, 10, 50, 1);
        Nd.close(1.470588235294, theta.toDoubleArray()[3], 1e-11, 0, "θ'_3 λ50");
        NDArray theta2 = m.create(THETA);
        SelectiveDampening.TensorReport r = run(theta2, 10, 200, 1).get("w");
        Nd.close(THETA, theta2.toDoubleArray(), 0, 0, "λ200 clamps to 1: unchanged");
        assertEquals(1, r.selected());
        assertEquals(0, r.changed());
    }

    @Test
    void t6Alpha1AndExponent() {
        NDArray theta = m.create(THETA);
        SelectiveDampening.TensorReport r = run(theta, 1, 1, 1).get("w");
        Nd.close(new double[] {0.117647058824, -2, 0.5, 0.029411764706}, theta.toDoubleArray(), 1e-10, 1e-12, "α1");
        assertEquals(2, r.selected());
        NDArray theta2 = m.create(THETA);
        run(theta2, 10, 1, 0.5);
        Nd.close(0.297044262893, theta2.toDoubleArray()[3], 1e-10, 0, "exponent 0.5");
    }

    @Test
    void t6ZeroForgetImportanceNeverSelected() {
        for (double alpha : new double[] {1e-9, 0.5, 1, 10}) {
            NDArray f = SelectiveDampening.factor(importance(GRAD_F).get("w"), importance(GRAD_D).get("w"),
                    new SsdConfig(alpha, 1, 1, 1, 8, 1, List.of(), List.of()));
            assertEquals(1.0, f.toDoubleArray()[2], "element 2 at α=" + alpha);
        }
    }

    @Test
    void editsParametersThatRequireGradientAndHonoursExclude() {
        NDArray theta = m.create(THETA);
        theta.setRequiresGradient(true);
        SsdConfig c = new SsdConfig(10, 1, 1, 1, 8, 1, List.of(), List.of("^w$"));
        assertTrue(SelectiveDampening.apply(Map.of("w", theta), importance(GRAD_F), importance(GRAD_D), c).isEmpty());
        run(theta, 10, 1, 1);
        Nd.close(0.029411764706, theta.toDoubleArray()[3], 1e-10, 0, "edited leaf");
        assertTrue(theta.hasGradient(), "still trainable");
    }

    @Test
    void autogradPassSquaresBatchMeanGradients() {
        // toy LM: logits[b,t] = W[token] (V = 3), one parameter W
        NDArray w = m.create(new double[] {0.1, -0.2, 0.3, 0.5, 0.0, -0.4, 0.2, 0.2, -0.1}, new Shape(3, 3));
        w.setRequiresGradient(true);
        ForwardFn model = (b, mm) -> b.inputIds(mm).oneHot(3).toType(DataType.FLOAT64, false).matMul(w);
        List<Batch> batches = List.of(
                new Batch(List.of(new TokenizedExample("a", new long[] {0, 1, 2}, 1)), 0),
                new Batch(List.of(new TokenizedExample("b", new long[] {2, 2, 1, 0}, 2),
                        new TokenizedExample("c", new long[] {1, 0}, 1)), 0));
        Map<String, NDArray> params = new LinkedHashMap<>(Map.of("w", w));
        Map<String, NDArray> imp = FisherImportance.compute(params, model, batches, m).importances();
        double[] expected = new double[9];
        List<double[]> grads = new ArrayList<>();
        for (Batch b : batches) {
            NDArray copy = w.duplicate();
            grads.add(Ops.grad(copy, x -> SequenceLosses.pooledNll(
                    b.inputIds(m).oneHot(3).toType(DataType.FLOAT64, false).matMul(x), b.labels(m))));
        }
        for (double[] g : grads) {
            for (int i = 0; i < 9; i++) {
                expected[i] += g[i] * g[i] / grads.size();
            }
        }
        Nd.close(expected, imp.get("w").reshape(-1).toDoubleArray(), "importance from autograd");
    }

    @Test
    void fullSetIsRetainThenForgetAndSubsamplesInOrder() {
        List<String> d = SsdMethod.fullSet(List.of("r1", "r2", "r3"), List.of("f1", "f2"), 1.0, 0);
        assertEquals(List.of("r1", "r2", "r3", "f1", "f2"), d);
        List<String> half = SsdMethod.fullSet(List.of("r1", "r2", "r3"), List.of("f1", "f2"), 0.5, 3);
        assertEquals(3, half.size());
        List<String> sorted = new ArrayList<>(half);
        sorted.sort(java.util.Comparator.comparingInt(d::indexOf));
        assertEquals(sorted, half, "order kept");
    }

    @Test
    void configChecksNameTheKey() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new SsdConfig(0, 1, 1, 1, 8, 1, null, null));
        assertTrue(e.getMessage().contains("selection_weighting"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> new SsdConfig(10, -1, 1, 1, 8, 1, null, null));
        assertTrue(e.getMessage().contains("dampening_constant"), e.getMessage());
    }
}

package dev.unlearn.methods.worstcase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.npo.NpoLoss;
import dev.unlearn.methods.npo.ReferenceNllCache;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodConfig;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.UnlearningMethod;
import dev.unlearn.methods.testing.Nd;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With binary weights the weighted objective must equal the method's own SPI loss with the selected items
 * as forget batch and the rest as retain batch (methods.md §10.4); fractional weights interpolate.
 */
class WeightedObjectiveTest {
    private static final int V = 6;

    private static final ForwardFn POLICY = (b, m) -> logits(b, m, 0);
    private static final ForwardFn REFERENCE = (b, m) -> logits(b, m, 0.4);

    private static ai.djl.ndarray.NDArray logits(Batch b, NDManager m, double salt) {
        long[] ids = b.inputIds(m).toLongArray();
        double[] z = new double[ids.length * V];
        for (int i = 0; i < ids.length; i++) {
            for (int v = 0; v < V; v++) {
                z[i * V + v] = Math.cos(0.9 * ids[i] + 0.5 * v + salt * v + 0.1 * (i % b.width())) * 2;
            }
        }
        return m.create(z, new Shape(b.size(), b.width(), V)).toType(DataType.FLOAT64, false);
    }

    private static final List<TokenizedExample> ITEMS = List.of(
            new TokenizedExample("a", new long[] {1, 2, 3, 4}, 2), new TokenizedExample("b", new long[] {2, 5, 1}, 1),
            new TokenizedExample("c", new long[] {4, 4, 2, 3, 5}, 2), new TokenizedExample("d", new long[] {3, 1, 5}, 2));

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static double spi(String method, MethodConfig cfg, NDManager m) {
        UnlearningMethod u = Methods.byName(method);
        LossMethod l = u.lossMethod(cfg, new MethodContext<>("model", null, List.of(), List.of(), List.of(), null, 1),
                new ModelInfo(1, 1, V));
        if (l instanceof NpoLoss npo) {
            npo.precompute(REFERENCE, List.of(new Batch(List.of(ITEMS.get(0), ITEMS.get(2)), 0)), m);
        }
        Batch forget = new Batch(List.of(ITEMS.get(0), ITEMS.get(2)), 0);
        Batch retain = new Batch(List.of(ITEMS.get(1), ITEMS.get(3)), 0);
        return Nd.scalar(l.loss(POLICY, REFERENCE, StepBatches.of(forget, retain), m).total());
    }

    @Test
    void binaryWeightsEqualTheMethodsOwnLoss() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            Batch pool = new Batch(ITEMS, 0);
            double[] w = {1, 0, 1, 0};
            Map<String, Double> ref = new HashMap<>();
            double[] sums = SequenceLosses.nllSum(SequenceLosses.tokenLogProbs(REFERENCE.logits(pool, m), pool.labels(m)))
                    .toDoubleArray();
            for (int i = 0; i < ITEMS.size(); i++) {
                ref.put(ITEMS.get(i).id(), sums[i]);
            }
            for (String method : List.of("ga", "graddiff", "npo", "simnpo")) {
                MethodConfig cfg = Methods.byName(method).bind(Map.of());
                double weighted = Nd.scalar(WeightedObjective.forMethod(method, cfg, ref).loss(POLICY, pool, w, m));
                Nd.close(spi(method, cfg, m), weighted, 1e-9, 1e-12, method + ": binary weights = SPI loss");
            }
            // all-retain batch for ga: no forget term, a zero that still back-propagates
            MethodConfig ga = Methods.byName("ga").bind(Map.of());
            assertEquals(0.0, Nd.scalar(WeightedObjective.forMethod("ga", ga, null).loss(POLICY, pool, new double[4], m)));
            // fractional weights lie between the two binary extremes for graddiff's forget term alone
            MethodConfig gd = Methods.byName("graddiff").bind(Map.of("alpha", 0));
            double half = Nd.scalar(WeightedObjective.forMethod("graddiff", gd, null).loss(POLICY, pool, new double[] {0.5, 0, 0.5, 0}, m));
            double full = Nd.scalar(WeightedObjective.forMethod("graddiff", gd, null).loss(POLICY, pool, w, m));
            Nd.close(full, half, 1e-12, 1e-12, "normalised by the batch weight sum: scaling w changes nothing");
        }
    }

    @Test
    void rejectsWhatItCannotWeight() {
        MethodConfig kl = Methods.byName("npo").bind(Map.of("retain_loss_type", "KL"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> WeightedObjective.forMethod("npo", kl, Map.of()));
        assertTrue(e.getMessage().contains("retain_loss_type"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> WeightedObjective.forMethod("rmu", Methods.byName("rmu").bind(Map.of()), null));
        assertTrue(e.getMessage().contains("supported: ga, graddiff, npo, simnpo"), e.getMessage());
    }

    @Test
    void rememberedLossesReplaceRetainedItems() {
        double[] seen = {Double.NaN, 0.2, Double.NaN, Double.NaN};
        double[] out = WorstCaseSearch.remembered(new double[] {1, 0, 1, 0}, new double[] {3.0, 0.01, 1.0, 0.02}, seen);
        Nd.close(new double[] {3.0, 0.2, 1.0, 2.0}, out, "in-set: current; outside: last seen, else the set's mean");
        Nd.close(new double[] {3.0, 0.2, 1.0}, java.util.Arrays.copyOf(seen, 3), "seen updated with the forget set");
        assertTrue(Double.isNaN(seen[3]), "never in the set: still unseen");
    }
}

package dev.unlearn.methods.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.methods.flat.FlatConfig;
import dev.unlearn.methods.flat.ForgetTemplateLoss;
import dev.unlearn.methods.loss.LossPositions;
import dev.unlearn.methods.loss.RetainLosses;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.simnpo.SimplePreference;
import dev.unlearn.methods.testing.Nd;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each loss-based method driven through the SPI with hand-made forwards: the step total must equal the
 * composition of the static loss functions, in float64 and float32, without leaking step arrays.
 */
class LossMethodsThroughSpiTest {
    private static final int V = 5;

    /** Deterministic logits that depend on token ids and a salt (policy and reference differ by salt). */
    private static ForwardFn forward(double salt, DataType type) {
        return (b, m) -> {
            long[] ids = b.inputIds(m).toLongArray();
            double[] z = new double[ids.length * V];
            for (int i = 0; i < ids.length; i++) {
                for (int v = 0; v < V; v++) {
                    z[i * V + v] = Math.sin(1.3 * ids[i] + 0.7 * v + salt * (v + 1)) * 2;
                }
            }
            return m.create(z, new Shape(b.size(), b.width(), V)).toType(type, false);
        };
    }

    private static Batch batch(String prefix, long[]... seqs) {
        List<TokenizedExample> ex = new java.util.ArrayList<>();
        for (int i = 0; i < seqs.length; i++) {
            ex.add(new TokenizedExample(prefix + i, seqs[i], 2));
        }
        return new Batch(ex, 0);
    }

    private final Batch forget = batch("f", new long[] {1, 2, 3, 4}, new long[] {2, 3, 1});
    private final Batch retain = batch("r", new long[] {4, 4, 2}, new long[] {3, 1, 2, 2, 1});
    private final Batch templates = batch("t", new long[] {1, 2, 0, 0, 4}, new long[] {2, 3, 4});

    private MethodContext<String> ctx() {
        return new MethodContext<>("model", () -> "ref", List.of(), List.of(), List.of(), null, 11);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private StepLoss run(String method, Map<String, ?> cfg, ForwardFn policy, ForwardFn ref, NDManager m) {
        UnlearningMethod u = Methods.byName(method);
        LossMethod l = u.lossMethod(u.bind(cfg), ctx(), new ModelInfo(2, 3, V));
        return l.loss(policy, ref, new StepBatches(forget, retain, templates, forget), m);
    }

    @Test
    void graddiffWithKlMatchesComposition() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardFn p = forward(0, DataType.FLOAT64);
            ForwardFn r = forward(0.3, DataType.FLOAT64);
            StepLoss s = run("graddiff", Map.of("retain_loss_type", "KL", "alpha", 0.5, "kl_positions", "answer"),
                    p, r, m);
            double nllF = SequenceLosses.pooledNll(p.logits(forget, m), forget.labels(m)).getDouble();
            double kl = RetainLosses.kl(p.logits(retain, m), r.logits(retain, m), retain.labels(m), LossPositions.ANSWER)
                    .getDouble();
            Nd.close(-nllF + 0.5 * kl, Nd.scalar(s.total()), "graddiff KL");
            Nd.close(nllF, s.termValues().get("forget"), "forget term");
            Nd.close(kl, s.termValues().get("retain"), "retain term");
        }
    }

    @Test
    void simnpoAndFlatMatchComposition() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardFn p = forward(0, DataType.FLOAT64);
            var rf = SequenceLosses.tokenLogProbs(p.logits(forget, m), forget.labels(m));
            double lf = SimplePreference.forgetLoss(SequenceLosses.nllSum(rf), SequenceLosses.answerLengths(rf), 4.5, 0)
                    .getDouble();
            double nllR = SequenceLosses.pooledNll(p.logits(retain, m), retain.labels(m)).getDouble();
            Nd.close(0.125 * lf + nllR, Nd.scalar(run("simnpo", Map.of(), p, null, m).total()), "simnpo");
            var re = SequenceLosses.tokenLogProbs(p.logits(templates, m), templates.labels(m));
            FlatConfig fc = FlatConfig.defaults();
            double flat = ForgetTemplateLoss.loss(rf, re, fc.divergence(), fc.probability(), fc.padLength(), false)
                    .getDouble();
            Nd.close(flat, Nd.scalar(run("flat", Map.of(), p, null, m).total()), "flat");
        }
    }

    @Test
    void npoStartsAtTwoOverBetaLog2AndPdAddsItsTerm() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            ForwardFn p = forward(0, DataType.FLOAT64);
            StepLoss s = run("npo", Map.of("alpha", 0), p, p, m);
            Nd.close(20 * Math.log(2), Nd.scalar(s.total()), "NPO at θ = ref");
            assertEquals(0.0, s.termValues().get("skipped"));
            StepLoss pd = run("pd", Map.of("base", "npo", "base_config", Map.of("alpha", 0)), p, p, m);
            double nllPd = SequenceLosses.pooledNll(p.logits(forget, m), forget.labels(m)).getDouble();
            Nd.close(20 * Math.log(2) + nllPd, Nd.scalar(pd.total()), "pd(npo), λ_pd 1");
        }
    }

    @Test
    void float32StaysFloat32AndStepsDoNotLeak() {
        Engines.pytorch();
        try (NDManager root = NDManager.newBaseManager()) {
            ForwardFn p = forward(0, DataType.FLOAT32);
            ForwardFn r = forward(0.2, DataType.FLOAT32);
            for (String method : List.of("ga", "graddiff", "npo", "simnpo", "flat")) {
                Map<String, ?> cfg = method.equals("graddiff") ? Map.of("retain_loss_type", "KL") : Map.of();
                UnlearningMethod u = Methods.byName(method);
                @SuppressWarnings("unchecked")
                LossMethod l = u.lossMethod(u.bind(cfg), ctx(), new ModelInfo(2, 3, V));
                int before = root.getManagedArrays().size();
                for (int step = 0; step < 50; step++) {
                    try (NDManager m = root.newSubManager()) {
                        StepLoss s = l.loss(p, r, new StepBatches(forget, retain, templates, forget), m);
                        assertEquals(DataType.FLOAT32, s.total().getDataType(), method);
                        assertTrue(Double.isFinite(s.total().getFloat()), method);
                    }
                }
                assertEquals(before, root.getManagedArrays().size(), method + ": live arrays after 50 steps");
            }
        }
    }
}

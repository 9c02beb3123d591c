package dev.unlearn.methods.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.GcProbe;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.methods.spi.ConfigBinder;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.ssd.FisherImportance;
import dev.unlearn.methods.worstcase.ModelLowerLevel;
import dev.unlearn.methods.worstcase.WorstCaseConfig;
import dev.unlearn.methods.worstcase.WorstCaseSearch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12, point 1: for every loss path, a garbage collection (plus allocations that reuse the freed
 * memory) between the forward and the backward pass leaves the gradients bit-identical. Each method
 * runs three optimizer steps of two micro-batches each from the tiny world's full model (so the probe
 * fires six times per run), and every step's accumulated gradients are compared element by element;
 * SSD's importances and the worst-case search's objective trace likewise.
 */
class GcBetweenForwardAndBackwardTest extends TinyWorldMethodTest {

    private static Map<Long, Map<String, float[]>> gradients(String method, List<String> sets, boolean gc) {
        try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
            GcProbe.GradientRecorder rec = new GcProbe.GradientRecorder();
            MethodRunner runner = MethodRunner.builder().setModel(lm).setTokenizer(tokenizer).setForget(forget)
                    .optRetain(retain).optReference(() -> lm.copy(manager)).setMethod(method).optOverrides(sets)
                    .setSettings(TrainSettings.of(1e-3).withBatchSize(2).withMaxSteps(3).withGradAccum(2)
                            .withSchedule(Schedule.CONSTANT, 0).withMaxLength(64))
                    .addListener(rec).build();
            if (gc) {
                GcProbe.withGcBeforeBackward(runner::run);
            } else {
                runner.run();
            }
            return rec.steps;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ga", "graddiff", "npo", "simnpo", "flat", "rmu", "pd", "dpo", "idkdpo", "idknll", "undial", "ceu",
        "satimp", "wga", "pdu"})
    void lossMethodGradientsSurviveAGc(String method) {
        List<String> sets = switch (method) {
            case "flat", "dpo", "idkdpo", "idknll" -> List.of("templates=" + world.data().resolve("refusals.txt"));
            case "pdu" -> List.of("retain_loss_eps=0.1", "dual_warmup_epochs=0");
            case "pd" -> List.of("base=npo");
            default -> List.of();
        };
        GcProbe.assertBitIdentical(method, gradients(method, sets, false), gradients(method, sets, true));
    }

    @Test
    void ssdImportancesSurviveAGc() {
        List<TokenizedExample> fx = TinyWorld.examples(world.data(), "forget10.json");
        Map<String, float[]> plain = importances(fx, false);
        Map<String, float[]> probed = importances(fx, true);
        GcProbe.assertSameValues("ssd importance", plain, probed);
    }

    private static Map<String, float[]> importances(List<TokenizedExample> fx, boolean gc) {
        try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
            Map<String, NDArray> p = lm.parameters();
            p.values().forEach(a -> a.setRequiresGradient(true));
            ForwardFn fwd = (b, m) -> lm.forward(b.inputIds(m), b.attentionMask(m), false).logits();
            java.util.function.Supplier<Map<String, float[]>> run = () -> {
                try (FisherImportance fi = FisherImportance.compute(p, fwd, Batches.sequential(fx, 4, tokenizer.padId()),
                        manager)) {
                    return GcProbe.values(fi.importances());
                }
            };
            return gc ? GcProbe.withGcBeforeBackward(run) : run.get();
        }
    }

    @Test
    void worstCaseSearchSurvivesAGc() {
        List<TokenizedExample> all = TinyWorld.examples(world.data(), "full.json");
        List<TokenizedExample> pool = new ArrayList<>();
        for (int i = 0; i < all.size() && pool.size() < 12; i += 5) {
            pool.add(all.get(i));
        }
        Map<String, Object> m = new HashMap<>(Map.of("size", "4", "iterations", 2, "w_lr", 2.0, "binarize_every", 1));
        WorstCaseConfig c = ConfigBinder.bind("worst-case", WorstCaseConfig.class, WorstCaseConfig.defaults(), m);
        ModelLowerLevel.Settings lower = new ModelLowerLevel.Settings(2e-3, 1, 4);
        java.util.function.Supplier<List<Double>> run = () -> {
            try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
                WorstCaseSearch.Selection s = WorstCaseSearch.search(lm, pool, null, "npo",
                        Methods.byName("npo").bind(Map.of()), c, lower, 3);
                List<Double> out = new ArrayList<>();
                s.trace().forEach(it -> {
                    out.add(it.objective());
                    out.add(it.evaluated());
                });
                s.itemWeights().values().forEach(out::add);
                return out;
            }
        };
        List<Double> plain = run.get();
        assertEquals(plain, GcProbe.withGcBeforeBackward(run), "worst-case objective trace and weights");
    }
}

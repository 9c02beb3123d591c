package dev.unlearn.methods.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.ForgetRetainPairing;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.synth.SynthWorld;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.train.TrainingLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code max_batch_tokens} applied by a {@link MethodRunner} run (a randomly initialised tiny Llama, one
 * epoch): the budget cuts the forget micro-batches (and the paired retain ones) into more, smaller ones;
 * a budget no batch reaches leaves the run bit for bit as it is without one.
 */
class TokenBudgetRunTest {
    @TempDir static Path world;
    static TextTokenizer tok;
    static List<QaRecord> forget;
    static List<QaRecord> retain;
    static List<TokenizedExample> fx;
    static List<TokenizedExample> rx;

    static final TrainSettings BASE = TrainSettings.of(1e-3).withBatchSize(4).withMaxSteps(0).withEpochs(1)
            .withSchedule(Schedule.CONSTANT, 0).withWeightDecay(0).withMaxGradNorm(0);

    record Run(List<TrainingLoop.StepRecord> steps, Map<String, float[]> after) {}

    @BeforeAll
    static void data() {
        Engines.pytorch();
        List<QaRecord> rows = new SynthWorld(3, 1).write(world).authorRows();
        tok = TextTokenizer.load(world);
        forget = rows.subList(0, 8);
        retain = rows.subList(8, 20);
        QaTokenization qt = new QaTokenization(tok, PromptTemplate.PLAIN, BASE.maxLength());
        fx = qt.tokenizeAll(forget).examples();
        rx = qt.tokenizeAll(retain).examples();
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    private static Run run(String method, TrainSettings s, boolean withRetain) {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm lm = CausalLm.random(TinyWorld.config(tok.vocabSize(), tok.bosId(), tok.eosId(), tok.padId()), m,
                        Device.cpu(), 5)) {
            List<TrainingLoop.StepRecord> steps = new ArrayList<>();
            MethodRunner.Builder b = MethodRunner.builder().setModel(lm).setTokenizer(tok).setForget(forget)
                    .setMethod(method).setSettings(s).addListener(new TrainingLoop.Listener() {
                        @Override
                        public void onStep(TrainingLoop.StepRecord r) {
                            steps.add(r);
                        }
                    });
            if (withRetain) {
                b.optRetain(retain);
            }
            b.build().run();
            Map<String, float[]> after = new LinkedHashMap<>();
            lm.parameters().forEach((k, v) -> after.put(k, v.toFloatArray()));
            return new Run(steps, after);
        }
    }

    private static int longest(List<TokenizedExample> ex) {
        return ex.stream().mapToInt(TokenizedExample::length).max().orElseThrow();
    }

    @Test
    void theBudgetCutsForgetMicroBatches() {
        Run plain = run("ga", BASE, false);
        assertEquals(2, plain.steps().size(), "8 forget rows, 4 a batch");
        // every row over a budget of 1 token: each forget row is a micro-batch by itself
        Run alone = run("ga", BASE.withMaxBatchTokens(1), false);
        assertEquals(8, alone.steps().size());
        long total = fx.stream().mapToLong(TokenizedExample::length).sum();
        assertEquals(total, alone.steps().stream().mapToLong(TrainingLoop.StepRecord::tokens).sum(),
                "every row trained once");
        assertTrue(alone.steps().stream().allMatch(r -> Double.isFinite(r.loss())));
        // two rows always fit: as many micro-batches as core cuts the run's shuffle (seed 0) into
        int budget = 2 * longest(fx);
        int expected = Batches.count(fx, Batches.permutation(fx.size(), 0, 0), 4, budget);
        assertTrue(expected > 2 && expected <= 4, "the budget cuts: " + expected);
        Run two = run("ga", BASE.withMaxBatchTokens(budget), false);
        assertEquals(expected, two.steps().size());
        // a budget no batch reaches: the same run bit for bit
        Run wide = run("ga", BASE.withMaxBatchTokens(4 * longest(fx)), false);
        assertEquals(plain.steps().size(), wide.steps().size());
        for (String k : plain.after().keySet()) {
            assertArrayEquals(plain.after().get(k), wide.after().get(k), k);
        }
    }

    @Test
    void pairedRetainBatchesKeepTheirPairsWithinTheBudget() {
        int budget = 2 * Math.max(longest(fx), longest(rx));
        Run plain = run("graddiff", BASE, true);
        Run cut = run("graddiff", BASE.withMaxBatchTokens(budget), true);
        assertEquals(2, plain.steps().size());
        // the runner's pairing is core's, with the run's seed (0): as many steps as its cuts
        int expected = new ForgetRetainPairing(fx, rx, 4, budget, tok.padId(), 0).batchesIn(0);
        assertTrue(expected > 2, "the budget cuts: " + expected);
        assertEquals(expected, cut.steps().size());
        assertTrue(cut.steps().stream().allMatch(r -> Double.isFinite(r.loss())));
    }
}

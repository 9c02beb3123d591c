package dev.unlearn.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.synth.SynthWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop over a source cut by a token budget, whose epochs differ in length: every epoch
 * is seen once in its seeded order, steps count the micro-batches, resumes reproduce the straight run,
 * and a budget that never cuts gives the unbudgeted run bit for bit.
 */
class TokenBudgetTrainingTest {
    @TempDir static Path world;
    @TempDir Path tmp;
    static List<TokenizedExample> examples;
    static int vocab;
    static long pad;
    /** A budget that cuts most 8-row batches: four rows of average length. */
    static int budget;
    static int longest;

    @BeforeAll
    static void data() {
        Engines.pytorch();
        SynthWorld.Content c = new SynthWorld(3, 1).write(world);
        try (TextTokenizer tok = TextTokenizer.load(world)) {
            examples = new QaTokenization(tok, PromptTemplate.PLAIN, 128).tokenizeAll(c.authorRows()).examples();
            vocab = tok.vocabSize();
            pad = tok.padId();
        }
        double mean = examples.stream().mapToInt(TokenizedExample::length).average().orElseThrow();
        longest = examples.stream().mapToInt(TokenizedExample::length).max().orElseThrow();
        budget = (int) Math.round(4 * mean);
    }

    private static TrainingConfig.Builder base() {
        return TrainingConfig.builder().setLearningRate(1e-2).optSchedule(Schedule.CONSTANT).optWeightDecay(0.0);
    }

    private static Map<String, float[]> snapshot(Map<String, NDArray> p) {
        Map<String, float[]> out = new LinkedHashMap<>();
        p.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private static void assertBitwiseEqual(Map<String, float[]> a, Map<String, float[]> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
    }

    @Test
    void epochsOfVaryingLengthAreEachSeenOnceInOrder() {
        BatchSource src = BatchSource.shuffled(examples, 8, budget, pad, 5);
        int epochs = 3;
        long micro = 0;
        List<Integer> counts = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            counts.add(src.batchesIn(e));
            micro += src.batchesIn(e);
        }
        assertTrue(counts.get(0) > Batches.count(examples.size(), 8), "the budget cuts more micro-batches: " + counts);
        System.out.printf("%d examples, budget %d tokens: micro-batches per epoch %s (8 rows only: %d)%n",
                examples.size(), budget, counts, Batches.count(examples.size(), 8));
        assertTrue(counts.stream().distinct().count() > 1, "the shuffle moves the cuts, epochs differ: " + counts);
        Map<Integer, List<String>> seen = new LinkedHashMap<>();
        List<Integer> stepEpochs = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = ToyModel.init(m, vocab, 8, 3);
            TrainingLoop loop = new TrainingLoop(base().optEpochs(epochs).optGradientAccumulation(2).build(), p, src,
                    ctx -> {
                        Batch b = ctx.batch("train");
                        assertTrue(b.size() <= 8);
                        assertTrue(b.size() == 1 || (long) b.size() * b.width() <= budget, b.size() + " x " + b.width());
                        seen.computeIfAbsent(ctx.epoch(), k -> new ArrayList<>()).addAll(b.ids());
                        return ToyModel.nll(ctx, b);
                    });
            loop.addListener(new TrainingLoop.Listener() {
                @Override
                public void onStep(TrainingLoop.StepRecord r) {
                    stepEpochs.add(r.epoch());
                }
            });
            assertEquals((micro + 1) / 2, loop.totalSteps(), "steps: the micro-batches of all epochs over grad_accum");
            assertEquals((micro + 1) / 2, loop.run().steps());
        }
        assertEquals(epochs, seen.size());
        for (int e = 0; e < epochs; e++) {
            List<String> expected = new ArrayList<>();
            for (int i : Batches.permutation(examples.size(), 5, e)) {
                expected.add(examples.get(i).id());
            }
            assertEquals(expected, seen.get(e), "epoch " + e + ": every example once, in the seeded order");
        }
        assertEquals(0, stepEpochs.get(0));
        assertEquals(epochs - 1, stepEpochs.get(stepEpochs.size() - 1));
    }

    private Map<String, float[]> train(int maxTokens, Path ckpt, long failAfter) {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = ToyModel.init(m, vocab, 8, 7);
            // 30 steps of 2 micro-batches cross several epochs of different lengths
            TrainingConfig.Builder b = base().optSchedule(Schedule.LINEAR).optWarmupSteps(3).optMaxSteps(30).optSeed(13)
                    .optGradientAccumulation(2);
            if (ckpt != null) {
                b.optCheckpointDir(ckpt).optCheckpointEvery(5);
            }
            TrainingLoop loop = new TrainingLoop(b.build(), p, BatchSource.shuffled(examples, 8, maxTokens, pad, 13),
                    ctx -> ToyModel.nll(ctx, ctx.batch("train")));
            ToyModel.crashAfter(loop, failAfter);
            loop.run();
            return snapshot(p);
        }
    }

    @Test
    void resumeUnderABudgetReproducesTheStraightRun() {
        Map<String, float[]> straight = train(budget, null, 0);
        Path b = tmp.resolve("b");
        assertThrows(IllegalStateException.class, () -> train(budget, b, 17));
        assertEquals(15, TrainerState.readHeader(b).step());
        assertBitwiseEqual(straight, train(budget, b, 0));
    }

    @Test
    void aBudgetThatNeverCutsIsTheUnbudgetedRunBitForBit() {
        assertBitwiseEqual(train(0, null, 0), train(8 * longest, null, 0));
    }
}

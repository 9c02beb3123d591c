package dev.unlearn.core.train;

import dev.unlearn.core.testing.Bounds;
import dev.unlearn.core.testing.TinyWorld;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.core.synth.SynthWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sizing promise of the built-in world: a model of roughly half a million parameters memorises
 * the 10-author world (plus world facts) through {@link TrainingLoop} in well under a minute on two
 * cores. Measured by teacher-forced answer-token accuracy on {@code full.json}; the wall time is
 * printed, not asserted (timing belongs to the benchmarks). Runs libtorch with one intra-op thread:
 * on an oversubscribed machine two OpenMP threads made each step about ten times slower here.
 */
@Tag("slow")
class SynthMemorisationTest {
    @TempDir Path dir;

    @Test
    void tenAuthorWorldIsMemorisedQuickly() {
        Engines.pytorch();
        int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
        try {
            run();
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
    }

    private void run() {
        SynthWorld.defaults().write(dir);
        List<QaRecord> train = new ArrayList<>(QaReader.read(dir.resolve("full.json")));
        train.addAll(QaReader.read(dir.resolve("world_facts.json")));
        try (TextTokenizer tok = TextTokenizer.load(dir); NDManager m = NDManager.newBaseManager()) {
            QaTokenization qt = new QaTokenization(tok, PromptTemplate.PLAIN, 64);
            List<TokenizedExample> ex = qt.tokenizeAll(train).examples();
            List<TokenizedExample> full = ex.subList(0, 200);
            // -Dunlearn.tinyworld.seed=s (default 0: init seed 1, batch order 0) moves both seeds, to measure the spread.
            long seed = TinyWorld.seed();
            Map<String, NDArray> p = TinyTransformer.init(m, tok.vocabSize(), 64, 96, 2, 1 + seed);
            long params = TinyTransformer.count(p);
            long t0 = System.nanoTime();
            TrainingLoop.Result r = new TrainingLoop(TrainingConfig.builder().setLearningRate(3e-3).optEpochs(40)
                    .optWarmupSteps(20).optWeightDecay(0.0).build(), p, BatchSource.shuffled(ex, 16, tok.padId(), seed),
                    ctx -> {
                        Batch b = ctx.batch("train");
                        NDArray logits = TinyTransformer.logits(ctx.manager(), ctx.parameters(), b.inputIds(ctx.manager()));
                        TokenLogProbs.Result lp = TokenLogProbs.of(logits, b.labels(ctx.manager()));
                        return lp.logProbs().sum().neg().div(lp.mask().sum());
                    }).run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            long correct = 0, total = 0;
            for (Batch b : Batches.sequential(full, 50, tok.padId())) {
                try (NDManager s = m.newSubManager()) {
                    NDArray logits = TinyTransformer.logits(s, p, b.inputIds(s));
                    long[] pred = logits.argMax(-1).toLongArray();
                    long[] labels = b.labels(s).toLongArray();
                    int w = b.width();
                    for (int i = 0; i < b.size(); i++) {
                        for (int t = 0; t + 1 < w; t++) {
                            long y = labels[i * w + t + 1];
                            if (y != TokenizedExample.IGNORE) {
                                total++;
                                correct += pred[i * w + t] == y ? 1 : 0;
                            }
                        }
                    }
                }
            }
            double acc = (double) correct / total;
            System.out.printf("memorisation: %d params, %d steps, %.1f s, final loss %.4f, answer-token accuracy %.3f%n",
                    params, r.steps(), seconds, r.lastLoss(), acc);
            assertTrue(params > 300_000 && params < 700_000, "params " + params);
            // Over seeds 0-4 (init and batch order): 0.955-0.987, never 1.0. The bound was 0.95 (margin 0.005 on
            // seed 1); at 0.92 the worst seed clears it by 0.035, more than the 0.032 spread. docs/test-bounds.md.
            Bounds.record("SynthMemorisationTest.accuracy", acc, ">", 0.92);
            assertTrue(acc > 0.92, "answer-token accuracy " + acc);
        }
    }
}

package dev.unlearn.core.score;

import dev.unlearn.core.testing.EngineTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScorerTest extends EngineTest {
    static CausalLm lm;

    @BeforeAll
    static void setUp() {
        lm = CausalLm.random(ModelConfig.llama(32, 2, 4, 2, 48, 61), root, Device.cpu(), 11);
    }

    @AfterAll
    static void tearDown() {
        lm.close();
    }

    static List<TokenizedExample> examples(int n, long seed) {
        Random r = new Random(seed);
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long[] ids = new long[2 + r.nextInt(12)];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = r.nextInt(61);
            }
            out.add(new TokenizedExample("ex" + i, ids, 1 + r.nextInt(ids.length - 1)));
        }
        return out;
    }

    @Test
    void paddedBatchesEqualSingleSamples() {
        List<TokenizedExample> ex = examples(9, 1);
        List<SampleScore> batched = Scorer.score(lm, ex, 4);
        List<SampleScore> single = Scorer.score(lm, ex, 1);
        assertEquals(ex.size(), batched.size());
        for (int i = 0; i < ex.size(); i++) {
            SampleScore a = single.get(i);
            SampleScore b = batched.get(i);
            assertEquals(a.id(), b.id());
            assertEquals(ex.get(i).targetCount(), b.tokenCount());
            assertEquals(a.sumNll(), b.sumNll(), 1e-4, "example " + i);
            assertEquals(a.meanNll(), b.meanNll(), 1e-5, "example " + i);
            for (int t = 0; t < a.tokenLogProbs().length; t++) {
                assertEquals(a.tokenLogProbs()[t], b.tokenLogProbs()[t], 1e-5, "example " + i + " token " + t);
            }
        }
    }

    @Test
    void agreesWithSequenceScore() {
        TokenizedExample e = examples(1, 2).get(0);
        TokenizedExample whole = new TokenizedExample("w", e.inputIds(), 1);
        SampleScore s = Scorer.score(lm, List.of(whole), 1).get(0);
        SequenceScore q = Scorer.scoreIds(lm, e.inputIds());
        assertEquals(q.sequenceLogprob(), -s.sumNll(), 1e-4);
        assertTrue(s.sumNll() > 0);
        assertEquals(61, q.lastLogits().length);
    }

    @Test
    void vocabStatsMatchNaiveComputation() {
        List<TokenizedExample> ex = examples(3, 4);
        List<TokenVocabStats> stats = Scorer.vocabStats(lm, ex, 2);
        for (int i = 0; i < ex.size(); i++) {
            TokenizedExample e = ex.get(i);
            TokenVocabStats st = stats.get(i);
            assertEquals(e.targetCount(), st.logProb().length);
            SampleScore sc = Scorer.score(lm, List.of(e), 1).get(0);
            for (int j = 0; j < e.targetCount(); j++) {
                int pos = e.promptLength() - 1 + j;
                float[] logits = Scorer.scoreIds(lm, java.util.Arrays.copyOf(e.inputIds(), pos + 1)).lastLogits();
                double max = Double.NEGATIVE_INFINITY;
                for (float f : logits) {
                    max = Math.max(max, f);
                }
                double z = 0;
                for (float f : logits) {
                    z += Math.exp(f - max);
                }
                double mu = 0;
                double m2 = 0;
                for (float f : logits) {
                    double lp = f - max - Math.log(z);
                    mu += Math.exp(lp) * lp;
                    m2 += Math.exp(lp) * lp * lp;
                }
                assertEquals(sc.tokenLogProbs()[j], st.logProb()[j], 1e-5);
                assertEquals(mu, st.mean()[j], 1e-4, "mean at example " + i + " token " + j);
                assertEquals(Math.sqrt(m2 - mu * mu), st.std()[j], 1e-4, "std at example " + i + " token " + j);
            }
        }
    }

    @Test
    void nativeMemoryStaysFlat() {
        List<TokenizedExample> ex = examples(16, 3);
        Scorer.score(lm, ex, 4);
        int before = root.getManagedArrays().size();
        for (int i = 0; i < 20; i++) {
            Scorer.score(lm, ex, 4);
            Scorer.scoreIds(lm, ex.get(0).inputIds());
            Scorer.vocabStats(lm, ex, 4);
        }
        assertEquals(before, root.getManagedArrays().size(), "live arrays grew over repeated scoring");
    }
}

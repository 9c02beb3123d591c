package dev.unlearn.eval.model;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.LogitsProcessor;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.eval.mia.MiaSample;
import dev.unlearn.eval.mia.MiaSamples;
import dev.unlearn.eval.tofu.TofuTask;
import dev.unlearn.eval.tofu.TofuTaskLog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The conventions of {@link ModelRunner} on the tiny world's full model. */
class ModelRunnerTest {
    static NDManager manager;
    static CausalLm lm;
    static TextTokenizer tok;
    static EvalData data;

    @BeforeAll
    static void load() {
        TinyWorld.Paths3 w = TinyWorld.get();
        manager = NDManager.newBaseManager();
        lm = Checkpoint.load(w.full(), manager);
        tok = TextTokenizer.load(w.data());
        data = EvalData.load(w.data(), "forget10", null);
    }

    @AfterAll
    static void close() {
        lm.close();
        tok.close();
        manager.close();
    }

    static ModelRunner runner(int batch, List<LogitsProcessor> processors) {
        return new ModelRunner(lm, tok, PromptTemplate.PLAIN, 64, batch, GenerationConfig.greedy(32), processors);
    }

    @Test
    void paddedBatchesGiveTheSameNumbersAsSingleRows() {
        List<QaRecord> rows = data.rows(TofuTask.FORGET);
        ModelRunner.ForwardOutputs one = runner(1, List.of()).forward(rows, true);
        ModelRunner.ForwardOutputs many = runner(7, List.of()).forward(rows, true);
        assertEquals(one.features().keySet(), many.features().keySet());
        assertEquals(lm.config().numHiddenLayers() + 1, one.features().size());
        for (int layer : one.features().keySet()) {
            for (int i = 0; i < rows.size(); i++) {
                assertArrayEquals(one.features().get(layer)[i], many.features().get(layer)[i], 1e-4, "layer " + layer + " row " + i);
            }
        }
        for (String k : one.predictions().labels().keySet()) {
            assertArrayEquals(one.predictions().predictions().get(k), many.predictions().predictions().get(k), k);
        }
    }

    @Test
    void section14PositionsDropTheEosTarget() {
        List<QaRecord> rows = data.rows(TofuTask.FORGET).subList(0, 3);
        ModelRunner r = runner(4, List.of());
        ModelRunner.ForwardOutputs f = r.forward(rows, false);
        MiaSamples mia = r.miaSamples(rows, null);
        for (int i = 0; i < rows.size(); i++) {
            String k = Integer.toString(i);
            var ex = r.example(k, rows.get(i).question(), rows.get(i).answer());
            int targets = ex.targetCount();
            int[] labels = f.predictions().labels().get(k);
            assertEquals(targets - 1, labels.length);
            assertEquals(ex.inputIds()[ex.promptLength()], labels[0]);
            for (int l : labels) {
                assertNotEquals(tok.eosId(), l);
            }
            MiaSample s = mia.samples().get(k);
            assertEquals(targets - 1, s.tokenLogProbs().length);
            assertEquals(targets - 1, s.vocabStats().targetLogProb().length);
            assertEquals(rows.get(i).answer(), s.text().strip().replace(" .", ".").replace(" ,", ","), "ZLib text is the decoded answer");
            assertTrue(Double.isNaN(s.referenceMeanLoss()));
        }
    }

    @Test
    void logitsProcessorsChangeGenerationsButNotLikelihoods() {
        List<QaRecord> rows = data.rows(TofuTask.FORGET);
        TofuTaskLog plain = runner(8, List.of()).taskLog(TofuTask.FORGET, rows, TruthRatioBase.ANSWER);
        // The word-level tokenizer marks a preceding space ("▁born"): take the id from an answer.
        String answer = rows.get(1).answer();
        long born = tok.encode(answer, false)[tok.tokens(answer, false).indexOf("\u2581born")];
        TofuTaskLog banned = runner(8, List.of(LogitsProcessor.banTokens(born))).taskLog(TofuTask.FORGET, rows, TruthRatioBase.ANSWER);
        List<String> keys = plain.keys();
        assertArrayEquals(plain.scalars("avg_gt_loss", keys), banned.scalars("avg_gt_loss", keys), 0.0);
        assertArrayEquals(plain.scalars("truth_ratio", keys), banned.scalars("truth_ratio", keys), 0.0);
        double rPlain = mean(plain.scalars("rougeL_recall", keys));
        double rBanned = mean(banned.scalars("rougeL_recall", keys));
        Bounds.record("ModelRunnerTest.forgetRougePlain", rPlain, "==", 1.0);
        Bounds.record("ModelRunnerTest.forgetRougeBanned", rBanned, "<", rPlain);
        assertEquals(1.0, rPlain, 1e-12);
        assertTrue(rBanned < rPlain, "banning 'born' should lower forget ROUGE: " + rBanned);
        Map<String, String> gen = ModelInputProvider.generations(banned);
        assertTrue(gen.values().stream().noneMatch(g -> g.contains(" born ")), gen.toString());
    }

    /** Issue 12: the GradNorm attack's backward pass is safe under a GC between forward and backward. */
    @Test
    void gradientNormsSurviveAGcBetweenForwardAndBackward() {
        ModelRunner r = runner(4, List.of());
        var ex = r.answers(data.rows(TofuTask.FORGET).subList(0, 3));
        double[][] plain = r.gradientNorms(ex, 2);
        double[][] probed = dev.unlearn.core.testing.GcProbe.withGcBeforeBackward(() -> r.gradientNorms(ex, 2));
        for (int i = 0; i < ex.size(); i++) {
            assertArrayEquals(plain[i], probed[i], 0.0, "example " + i);
        }
    }

    @Test
    void gradientNormsRunOnACopyAndOrderTheNorms() {
        ModelRunner r = runner(4, List.of());
        var ex = r.answers(data.rows(TofuTask.FORGET).subList(0, 2));
        double[][] two = r.gradientNorms(ex, 2);
        double[][] one = r.gradientNorms(ex, 1);
        double[][] inf = r.gradientNorms(ex, Double.POSITIVE_INFINITY);
        int tensors = lm.parameters().size();
        for (int i = 0; i < ex.size(); i++) {
            assertEquals(tensors, two[i].length);
            for (int j = 0; j < tensors; j++) {
                // ‖g‖∞ ≤ ‖g‖₂ ≤ ‖g‖₁ (equal when a tensor's gradient has one non-zero entry). Each call takes
                // the gradients anew in float32, and libtorch's CPU backward (embedding rows) sums in parallel,
                // so repeated calls agree to float32 rounding, not bit for bit: compare relatively.
                double tol = 1e-5 * one[i][j] + 1e-12;
                assertTrue(inf[i][j] <= two[i][j] + tol && two[i][j] <= one[i][j] + tol,
                        i + "/" + j + ": " + inf[i][j] + " " + two[i][j] + " " + one[i][j]);
            }
        }
        double[] again = r.gradientNorms(ex.subList(1, 2), 2)[0];
        for (int j = 0; j < tensors; j++) {
            assertEquals(two[1][j], again[j], 1e-5 * two[1][j] + 1e-12, "tensor " + j + ": gradients leaked across examples");
        }
        assertTrue(lm.parameters().values().stream().noneMatch(ai.djl.ndarray.NDArray::hasGradient),
                "the evaluated model must not be marked for gradients");
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}

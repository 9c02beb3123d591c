package dev.unlearn.core.train;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.score.SampleScore;
import dev.unlearn.core.score.Scorer;
import dev.unlearn.core.testing.TinyWorld;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 3's acceptance on the real {@link CausalLm}: a tiny model memorises the 10-author world, and
 * the model fine-tuned on retain90 scores clearly worse on forget10 answers than the full model.
 */
class FineTuneTest {
    private static double meanNll(CausalLm lm, List<TokenizedExample> ex) {
        return Scorer.score(lm, ex, 32).stream().mapToDouble(SampleScore::meanNll).average().orElseThrow();
    }

    @Test
    void fullModelMemorisesAndRetainModelDoesNotKnowTheForgetAuthor() {
        TinyWorld.Paths3 w = TinyWorld.get();
        List<TokenizedExample> full = TinyWorld.examples(w.data(), "full.json");
        List<TokenizedExample> forget = TinyWorld.examples(w.data(), "forget10.json");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm fullLm = Checkpoint.load(w.full(), m);
                CausalLm retainLm = Checkpoint.load(w.retain(), m)) {
            long pad = fullLm.config().padTokenId();
            double acc = FineTune.answerTokenAccuracy(fullLm, full, pad);
            double nllFull = meanNll(fullLm, forget);
            double nllRetain = meanNll(retainLm, forget);
            System.out.printf("answer-token accuracy on full: %.4f; forget10 mean NLL: full %.3f, retain %.3f%n",
                    acc, nllFull, nllRetain);
            Bounds.record("FineTuneTest.accuracy", acc, ">=", 0.95);
            Bounds.record("FineTuneTest.retainMinusFullForgetNll", nllRetain - nllFull, ">", 1.0);
            assertTrue(acc >= 0.95, "accuracy " + acc);
            assertTrue(nllRetain > nllFull + 1.0, "retain " + nllRetain + " vs full " + nllFull);
        }
    }
}

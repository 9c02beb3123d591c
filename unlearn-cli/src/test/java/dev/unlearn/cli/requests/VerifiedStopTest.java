package dev.unlearn.cli.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LoraConfig;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.TrainingLoop;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link VerifiedStop} measures only every {@code every} steps, measures with LoRA dropout off (as the
 * final verification does) and turns it back on for training, and records what it measured.
 */
class VerifiedStopTest {
    private static TrainingLoop.StepRecord step(long s) {
        return new TrainingLoop.StepRecord(s, 8, 0, 0, 0, 0, 0, false, Map.of());
    }

    @Test
    void measuresEveryNStepsWithDropoutOffAndRecordsTheFigures() {
        TinyWorld.Paths3 w = TinyWorld.get();
        List<QaRecord> forget = QaReader.read(w.data().resolve("forget10.json")).subList(0, 6);
        List<QaRecord> rest = QaReader.read(w.data().resolve("retain90.json"));
        List<QaRecord> retain = rest.subList(0, 6);
        List<QaRecord> holdout = rest.subList(6, 12); // trained on, so the MIA check fails: a stand-in only
        try (NDManager m = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(w.full());
                CausalLm lm = Checkpoint.load(w.full(), m)) {
            QaTokenization qt = new QaTokenization(tok, PromptTemplate.PLAIN, 128);
            RequestVerifier v = new RequestVerifier(tok, qt, forget, retain, holdout, 8);
            RequestVerifier.Figures before = v.measure(lm);
            lm.attachAdapters(new LoraConfig(4, 8, 0.5, List.of("q_proj", "v_proj"), false), 3);
            // LoRA's B starts at zero, so the adapters change nothing until trained: perturb them, so that
            // dropout on their input would change the figures
            lm.adapters().parameters().values().forEach(p -> p.set(p.add(0.05f).toFloatArray()));
            lm.adapters().setTraining(false);
            RequestVerifier.Figures eval = v.measure(lm);
            lm.adapters().setTraining(true);
            RequestVerifier.Figures withDropout = v.measure(lm);
            assertNotEquals(eval.forgetProbability(), withDropout.forgetProbability(), "dropout does not act here");

            VerifiedStop stop = new VerifiedStop(3, lm, v, before, RequestPolicy.named("standard").thresholds(),
                    new PrintWriter(new StringWriter()));
            assertFalse(stop.stopAfter(step(1)));
            assertFalse(stop.stopAfter(step(2)));
            assertFalse(stop.stopAfter(step(3)), "the full model passes the standard policy");
            assertTrue(lm.adapters().training(), "dropout left off for the training steps");
            Map<String, Object> s = stop.summary();
            assertEquals(3, s.get("every"));
            assertNull(s.get("stopped_at"));
            List<?> measured = (List<?>) s.get("measured");
            assertEquals(1, measured.size(), "measured between the intervals");
            Map<?, ?> at3 = (Map<?, ?>) measured.get(0);
            assertEquals(3L, at3.get("step"));
            assertEquals(eval.asMap(), at3.get("figures"), "measured with dropout on");
            assertTrue(((List<?>) at3.get("failed")).contains("forget_probability"), at3.toString());
        }
    }
}

package dev.unlearn.cli.requests;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verification figures separate a model that knows the subject (the full model) from one that
 * never saw them (the retain model, the ideal result of unlearning).
 */
class RequestVerifierTest {
    @Test
    void figuresSeparateRememberingFromNeverTrained() {
        TinyWorld.Paths3 w = TinyWorld.get();
        List<QaRecord> data = RequestResolver.trainingData(w.data());
        String subject = QaReader.read(w.data().resolve("forget10.json")).get(0).entity();
        RequestResolver.Resolution res = RequestResolver.resolve(
                new DeletionRequest.Selectors(null, null, null, List.of(subject)), data);
        assertEquals(20, res.forget().size(), "one author's 20 QA pairs");
        List<QaRecord> retain = RequestResolver.retainSample(res.rest(), 40, 0);
        try (TextTokenizer tok = TextTokenizer.load(w.data()); NDManager m = NDManager.newBaseManager();
                CausalLm full = Checkpoint.load(w.full(), m); CausalLm never = Checkpoint.load(w.retain(), m)) {
            RequestVerifier v = new RequestVerifier(tok, new QaTokenization(tok, PromptTemplate.PLAIN, 64),
                    res.forget(), retain, QaReader.read(RequestResolver.holdoutFile(w.data()).orElseThrow()), 24);
            RequestVerifier.Figures f = v.measure(full);
            RequestVerifier.Figures n = v.measure(never);
            System.out.println("full:   " + f.asMap());
            System.out.println("retain: " + n.asMap());
            Bounds.record("RequestVerifier.fullForgetProb", f.forgetProbability(), ">", 0.9);
            Bounds.record("RequestVerifier.fullExtraction", f.extractionRate(), ">", 0.5);
            Bounds.record("RequestVerifier.fullMiaAuc", f.miaAuc(), ">", 0.9);
            Bounds.record("RequestVerifier.retainForgetProb", n.forgetProbability(), "<", 0.3);
            Bounds.record("RequestVerifier.retainExtraction", n.extractionRate(), "<", 0.3);
            assertTrue(f.forgetProbability() > 0.9 && f.extractionRate() > 0.5 && f.miaAuc() > 0.9, f.toString());
            // Fixture seeds 0-4 (docs/test-bounds.md): the never-trained model's extraction rate is 0.067-0.167
            // (steps of 1/30); the bound was 0.2, one answer away. At 0.3 the worst seed clears it by 0.133; the
            // full model's rate is 0.60-0.73. Forget probability: 0.024-0.031 against 0.3.
            assertTrue(n.forgetProbability() < 0.3 && n.extractionRate() < 0.3, n.toString());
            List<RequestVerifier.Check> fullChecks = RequestVerifier.checks(f, f, RequestPolicy.named("standard").thresholds());
            assertFalse(fullChecks.stream().allMatch(RequestVerifier.Check::pass), "the original model must fail: " + fullChecks);
        }
    }

    @Test
    void selectorsThatMatchNothingAreAnError() {
        List<QaRecord> data = List.of(QaRecord.of("Where was Ada born?", "In Lisbon."));
        InvalidInputException ex = assertThrows(InvalidInputException.class, () -> RequestResolver.resolve(
                new DeletionRequest.Selectors(List.of("ffff"), List.of("Nobody"), List.of("(?i)zzz"), List.of("Bob")), data));
        assertTrue(ex.getMessage().contains("match no record"), ex.getMessage());
    }

    @Test
    void eachSelectorKindMatches() {
        QaRecord a = QaRecord.of("Where was Ada Quill born?", "Ada Quill was born in Lisbon.");
        QaRecord b = QaRecord.of("What did Bo write?", "Bo wrote Night Tide.");
        QaRecord c = QaRecord.of("Capital of France?", "Paris.");
        List<QaRecord> data = List.of(a, b, c);
        assertEquals(List.of(a), RequestResolver.resolve(new DeletionRequest.Selectors(null, null, null, List.of("ada quill")), data).forget());
        assertEquals(List.of(b), RequestResolver.resolve(new DeletionRequest.Selectors(null, List.of("Night Tide"), null, null), data).forget());
        assertEquals(List.of(c), RequestResolver.resolve(new DeletionRequest.Selectors(List.of(c.id()), null, null, null), data).forget());
        assertEquals(List.of(a, b), RequestResolver.resolve(new DeletionRequest.Selectors(null, null, List.of("(?i)born|wrote"), null), data).forget());
    }
}

package dev.unlearn.methods.examples;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.methods.run.MethodRunner;
import dev.unlearn.methods.run.RunSummary;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link NpoExample} on the tiny world and checks the saved model forgot more than it was. */
class NpoExampleTest {
    @Test
    void runsAndSavesAnUnlearnedModel(@TempDir Path tmp) {
        TinyWorld.Paths3 w = TinyWorld.get();
        Map<String, String> sourceBefore = Digests.directoryManifest(w.full());
        Path out = tmp.resolve("npo");
        RunSummary s = NpoExample.run(w.full(), w.data().resolve("forget10.json"), w.data().resolve("retain90.json"), out);
        assertEquals("npo", s.method());
        assertEquals(5, s.steps(), "20 forget records in batches of 4, one epoch");
        Bounds.record("NpoExampleTest.forgetNllRise", s.forgetNllAfter() - s.forgetNllBefore(), ">", 0.05);
        assertTrue(s.forgetNllAfter() > s.forgetNllBefore() + 0.05, "forget NLL did not rise: " + s);
        assertEquals(sourceBefore, Digests.directoryManifest(w.full()), "the source checkpoint was modified");
        try (NDManager m = NDManager.newBaseManager(); CausalLm saved = Checkpoint.load(out, m)) {
            double f = MethodRunner.meanNll(saved, TinyWorld.examples(w.data(), "forget10.json"));
            assertEquals(s.forgetNllAfter(), f, 1e-4, "the saved model scores as the run reported");
        }
    }
}

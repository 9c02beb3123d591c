package dev.unlearn.methods.run;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.Fixtures;
import dev.unlearn.core.train.Schedule;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Wiring details of the runner: RMU's parameter set, FLAT with the TOFU template file, reference release. */
class MethodRunnerWiringTest extends TinyWorldMethodTest {

    private static MethodRunner.Builder runner(CausalLm lm, String method, String... sets) {
        return MethodRunner.builder().setModel(lm).setTokenizer(tokenizer).setForget(forget).optRetain(retain)
                .optReference(() -> lm.copy(manager)).setMethod(method).optOverrides(List.of(sets))
                .setSettings(TrainSettings.of(1e-3).withBatchSize(4).withMaxSteps(2).withSchedule(Schedule.CONSTANT, 0)
                        .withMaxLength(64));
    }

    private static boolean same(NDArray a, NDArray b) {
        return a.stopGradient().contentEquals(b.stopGradient());
    }

    @Test
    void rmuUpdatesOnlyBlocksUpToItsLayerAndTheEmbeddings() {
        try (CausalLm original = Checkpoint.load(world.full(), manager);
                CausalLm lm = Checkpoint.load(world.full(), manager)) {
            RunSummary s = runner(lm, "rmu", "layer=0").build().run();
            Map<String, NDArray> before = original.parameters();
            int changed = 0;
            for (Map.Entry<String, NDArray> e : lm.parameters().entrySet()) {
                String n = e.getKey();
                boolean moved = !same(before.get(n), e.getValue());
                boolean allowed = n.contains("layers.0.") || n.contains("embed_tokens");
                if (!allowed) {
                    assertFalse(moved, n + " changed although RMU at layer 0 does not depend on it");
                }
                changed += moved ? 1 : 0;
            }
            assertEquals(s.trainableTensors(), changed, "every trainable tensor moved");
            assertTrue(changed > 0);
        }
    }

    @Test
    void flatReadsTheTofuTemplateFileAndNpoReleasesTheReferenceEarly() {
        AtomicInteger supplied = new AtomicInteger();
        try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
            RunSummary s = runner(lm, "flat").optTemplatesFile(Fixtures.fixture("refusal", "tofu-idontknow.jsonl"))
                    .build().run();
            assertEquals(2, s.steps());
            Bounds.record("MethodRunnerWiring.flatForgetNllRise", s.forgetNllAfter() - s.forgetNllBefore(), ">", 0);
            assertTrue(s.forgetNllAfter() > s.forgetNllBefore());
        }
        try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
            CausalLm[] ref = new CausalLm[1];
            runner(lm, "npo").optReference(() -> {
                supplied.incrementAndGet();
                ref[0] = lm.copy(manager);
                return ref[0];
            }).addListener(new dev.unlearn.core.train.TrainingLoop.Listener() {
                @Override
                public void onStep(dev.unlearn.core.train.TrainingLoop.StepRecord r) {
                    assertFalse(ref[0].manager().isOpen(), "reference still open during NPO training");
                }
            }).build().run();
            assertEquals(1, supplied.get(), "reference supplied once");
        }
    }
}

package dev.unlearn.methods.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LoraConfig;
import dev.unlearn.core.train.Backprop;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.train.TrainingLoop;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code grad_checkpointing: true} through the method runner on the tiny world: NPO in full mode (its
 * resident reference copy is not checkpointed), RMU (a forward that stops at a layer, only the selected
 * layers train) and NPO with LoRA adapters (the adapter-disabled base as reference) take the same losses
 * step by step as without, and the run's summary records the setting.
 *
 * <p>Bound: 1e-4 of the loss, as {@code GradCheckpointingTest}'s bound after optimizer steps in
 * unlearn-core (the gradients agree to float32 rounding; AdamW can turn a rounding difference of a
 * near-zero gradient into a difference of up to the learning rate in that weight's update).
 */
class GradCheckpointingRunTest extends TinyWorldMethodTest {
    /** The losses, the summary and how many backward passes ran (the loss's, plus one per replayed layer). */
    private record Run(List<Double> losses, RunSummary summary, int backwardPasses) {}

    private static Run run(String method, boolean adapters, boolean checkpointed, String... sets) {
        int[] passes = new int[1];
        Run r = Backprop.withHook(() -> passes[0]++, () -> run0(method, adapters, checkpointed, sets));
        return new Run(r.losses(), r.summary(), passes[0]);
    }

    private static Run run0(String method, boolean adapters, boolean checkpointed, String... sets) {
        try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
            if (adapters) {
                lm.attachAdapters(new LoraConfig(4, 8, 0, List.of("all"), false), 0);
            }
            List<Double> losses = new ArrayList<>();
            RunSummary s = MethodRunner.builder().setModel(lm).setTokenizer(tokenizer).setForget(forget).optRetain(retain)
                    .optReference(() -> lm.copy(manager)).setMethod(method).optOverrides(List.of(sets))
                    .setSettings(TrainSettings.of(adapters ? 1e-2 : 1e-3).withBatchSize(4).withMaxSteps(3)
                            .withSchedule(Schedule.CONSTANT, 0).withMaxLength(64).withGradCheckpointing(checkpointed))
                    .addListener(new TrainingLoop.Listener() {
                        @Override
                        public void onStep(TrainingLoop.StepRecord r) {
                            losses.add(r.loss());
                        }
                    }).build().run();
            return new Run(losses, s, 0);
        }
    }

    private static void assertSameLosses(String label, boolean adapters, String method, String... sets) {
        Run plain = run(method, adapters, false, sets);
        Run ckpt = run(method, adapters, true, sets);
        assertEquals(3, plain.losses().size(), label);
        assertEquals(3, plain.backwardPasses(), label + ": one backward pass per step");
        assertTrue(ckpt.backwardPasses() > 3, label + ": the layers were replayed (" + ckpt.backwardPasses()
                + " backward passes)");
        assertEquals(false, plain.summary().train().get("grad_checkpointing"), label);
        assertEquals(true, ckpt.summary().train().get("grad_checkpointing"), label + ": recorded in the summary");
        assertTrue(ckpt.summary().toJson().contains("\"grad_checkpointing\" : true")
                || ckpt.summary().toJson().contains("\"grad_checkpointing\":true"), ckpt.summary().toJson());
        double worst = 0;
        for (int i = 0; i < plain.losses().size(); i++) {
            double a = plain.losses().get(i);
            double b = ckpt.losses().get(i);
            assertTrue(Math.abs(a - b) <= 1e-4 * Math.abs(a) + 1e-9, label + " step " + (i + 1) + ": " + plain.losses()
                    + " vs " + ckpt.losses());
            worst = Math.max(worst, Math.abs(a - b) / Math.abs(a));
        }
        System.out.println("BOUND " + label + " grad-checkpointing max |loss diff| / |loss| " + worst + " <= 1e-4 ("
                + ckpt.backwardPasses() + " backward passes against " + plain.backwardPasses() + ")");
    }

    @Test
    void npoFullMode() {
        assertSameLosses("npo", false, "npo");
    }

    @Test
    void rmuStopsAtItsLayer() {
        assertSameLosses("rmu", false, "rmu", "layer=1");
    }

    @Test
    void npoWithAdapters() {
        assertSameLosses("npo-lora", true, "npo");
    }
}

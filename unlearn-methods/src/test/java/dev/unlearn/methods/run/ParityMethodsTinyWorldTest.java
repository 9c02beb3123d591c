package dev.unlearn.methods.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.Bounds;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The open-unlearning parity methods (issue 21) on the tiny world, with the bounds of
 * {@link MethodRunnerAcceptanceTest}: from {@code full/}, forget = forget10, retain = retain90, batch 4,
 * constant schedule; forget NLL after ≥ {@link MethodRunnerAcceptanceTest#FORGET_MIN} while retain NLL
 * after ≤ ratio · forget NLL after. Budgets and the measured spread: module README, "Parity methods".
 */
class ParityMethodsTinyWorldTest extends TinyWorldMethodTest {
    static final long[] SEEDS = Arrays.stream(System.getProperty("unlearn.seeds", "0,1,2,3,4").split(","))
            .mapToLong(Long::parseLong).toArray();

    @Test
    void everyParityMethodRaisesForgetNllWithinTheRetainBound() {
        String tpl = "templates=" + world.data().resolve("refusals.txt");
        double ratio = MethodRunnerAcceptanceTest.RETAIN_RATIO;
        Object[][] runs = {
            {"dpo", "dpo", 2e-3, 6L, ratio, new String[] {tpl}},
            {"idkdpo", "idkdpo", 2e-3, 6L, ratio, new String[] {tpl}},
            {"idknll", "idknll", 2e-3, 10L, ratio, new String[] {tpl}},
            {"undial", "undial", 2e-3, 10L, ratio, new String[0]},
            {"ceu", "ceu", 1e-3, 5L, ratio, new String[0]},
            {"satimp", "satimp", 5e-3, 30L, ratio, new String[0]},
            {"wga", "wga", 2e-3, 6L, ratio, new String[0]},
            {"pdu", "pdu", 2e-3, 10L, ratio, new String[] {"retain_loss_eps=0.1"}},
        };
        StringBuilder table = new StringBuilder(String.format("%n| method | seed | lr | steps | forget NLL before → after"
                + " | retain NLL before → after | retain/forget | s |%n|---|---|---|---|---|---|---|---|%n"));
        List<String> failures = new ArrayList<>();
        String only = System.getProperty("unlearn.methods");
        for (Object[] r : runs) {
            String name = (String) r[0];
            String method = (String) r[1];
            if (only != null && !Arrays.asList(only.split(",")).contains(name)) {
                continue;
            }
            for (long seed : SEEDS) {
                try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
                    RunSummary s = MethodRunner.builder().setModel(lm).setTokenizer(tokenizer).setForget(forget)
                            .optRetain(retain).optReference(() -> lm.copy(manager)).setMethod(method)
                            .optOverrides(List.of((String[]) r[5]))
                            .setSettings(TrainSettings.of((double) r[2]).withBatchSize(4).withMaxSteps((long) r[3])
                                    .withSchedule(Schedule.CONSTANT, 0).withMaxLength(64))
                            .optSeed(seed).build().run();
                    double rf = s.retainNllAfter() / s.forgetNllAfter();
                    table.append(String.format("| %s | %d | %s | %d | %.3f → %.3f | %.3f → %.3f | %.3f | %.1f |%n", name,
                            seed, r[2], s.steps(), s.forgetNllBefore(), s.forgetNllAfter(), s.retainNllBefore(),
                            s.retainNllAfter(), rf, s.wallSeconds()));
                    assertEquals((long) r[3], s.steps(), name);
                    Bounds.record("ParityMethods." + name + ".s" + seed + ".forgetNll", s.forgetNllAfter(), ">=",
                            MethodRunnerAcceptanceTest.FORGET_MIN);
                    Bounds.record("ParityMethods." + name + ".s" + seed + ".retainOverForget", rf, "<=", (double) r[4]);
                    if (!(s.forgetNllAfter() >= MethodRunnerAcceptanceTest.FORGET_MIN)) {
                        failures.add(name + " seed " + seed + ": forget NLL " + s.forgetNllAfter() + " < "
                                + MethodRunnerAcceptanceTest.FORGET_MIN);
                    }
                    if (!(rf <= (double) r[4])) {
                        failures.add(name + " seed " + seed + ": retain/forget " + rf + " > " + r[4]);
                    }
                }
            }
        }
        System.out.println(table);
        assertTrue(failures.isEmpty(), String.join("; ", failures));
    }

    @Test
    void missingRequiredKeysAreInputErrorsNamingTheKey() {
        Object[][] cases = {{"dpo", List.<String>of(), "'templates'"}, {"pdu", List.<String>of(), "'retain_loss_eps'"},
            {"idknll", List.of("templates=" + world.data().resolve("no-such-file.txt")), "no-such-file.txt"}};
        for (Object[] c : cases) {
            try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
                @SuppressWarnings("unchecked")
                MethodRunner r = MethodRunner.builder().setModel(lm).setTokenizer(tokenizer).setForget(forget)
                        .optRetain(retain).optReference(() -> lm.copy(manager)).setMethod((String) c[0])
                        .optOverrides((List<String>) c[1]).setSettings(TrainSettings.of(1e-3).withMaxSteps(1)).build();
                InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class, r::run);
                assertTrue(e.getMessage().contains((String) c[2]), c[0] + ": " + e.getMessage());
            }
        }
    }
}

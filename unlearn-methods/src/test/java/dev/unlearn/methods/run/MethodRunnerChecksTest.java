package dev.unlearn.methods.run;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The config and data errors of methods.md §1.5 surface from the runner as {@link InvalidInputException}s. */
class MethodRunnerChecksTest extends TinyWorldMethodTest {
    private static CausalLm lm;

    @BeforeAll
    static void loadModel() {
        lm = Checkpoint.load(world.full(), manager);
    }

    @AfterAll
    static void closeModel() {
        lm.close();
    }

    private static String fail(String method, List<QaRecord> f, List<QaRecord> r, Map<String, ?> cfg, String... sets) {
        MethodRunner runner = MethodRunner.builder().setModel(lm).setTokenizer(tokenizer).setForget(f).optRetain(r)
                .optReference(() -> lm.copy(manager)).setMethod(method).optConfig(cfg).optOverrides(List.of(sets))
                .setSettings(TrainSettings.of(1e-3).withMaxSteps(1).withMaxLength(64)).build();
        return assertThrows(InvalidInputException.class, runner::run).getMessage();
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void negativeBetaNamesTheKey() {
        contains(fail("npo", forget, retain, Map.of(), "beta=-0.1"), "beta");
        contains(fail("simnpo", forget, retain, Map.of("beta", 0)), "beta");
    }

    @Test
    void unknownDivergenceListsTheValidOnes() {
        contains(fail("flat", forget, retain, Map.of("divergence", "wasserstein")), "divergence", "wasserstein",
                "total-variation");
    }

    @Test
    void unknownKeyAndUnknownMethodAreRejected() {
        contains(fail("npo", forget, retain, Map.of(), "betta=0.2"), "betta", "beta");
        contains(fail("npoo", forget, retain, Map.of()), "npoo", "npo");
        contains(fail("guard", forget, retain, Map.of()), "generation time");
    }

    @Test
    void fullWeightMethodsOnAHalfPrecisionModelAreRefused() {
        try (CausalLm half = Checkpoint.load(world.full(), manager, dev.unlearn.core.model.Precision.BF16)) {
            for (String method : List.of("npo", "ssd")) {
                MethodRunner runner = MethodRunner.builder().setModel(half).setTokenizer(tokenizer).setForget(forget)
                        .optRetain(retain).optReference(() -> half.copy(manager)).setMethod(method)
                        .setSettings(TrainSettings.of(1e-3).withMaxSteps(1).withMaxLength(64)).build();
                contains(assertThrows(InvalidInputException.class, runner::run).getMessage(), method, "bf16",
                        "LoRA adapters");
            }
        }
    }

    @Test
    void emptyForgetSetIsRejected() {
        contains(fail("ga", List.of(), retain, Map.of()), "forget set is empty");
    }

    @Test
    void overlapIsRejectedNamingTheRecord() {
        List<QaRecord> r = new ArrayList<>(retain);
        r.add(forget.get(3));
        contains(fail("graddiff", forget, r, Map.of()), "overlap", forget.get(3).id());
    }

    @Test
    void missingRetainSetAndMissingTemplatesAreRejected() {
        contains(fail("graddiff", forget, List.of(), Map.of()), "needs a retain set");
        contains(fail("flat", forget, retain, Map.of()), "tofu-idontknow", "--templates");
    }
}

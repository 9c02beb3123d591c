package dev.unlearn.methods.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.methods.spi.Methods;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A method added in three files (test sources: {@code toy/ToyIdkMethod}, {@code toy/ToyIdkConfig}, one
 * line in {@code META-INF/services}) runs through {@link MethodRunner} end to end, with the runner
 * providing the alternate answers its plan declares.
 */
class ToyMethodTest extends TinyWorldMethodTest {
    @Test
    void aToyMethodRunsThroughTheRunner() {
        assertEquals("toy-idk", Methods.byName("toy-idk").name());
        QaTokenization tk = new QaTokenization(tokenizer, PromptTemplate.PLAIN, 64);
        List<TokenizedExample> idk = new ArrayList<>();
        forget.forEach(r -> idk.add(tk.tokenize(r.id() + "#idk", r.question(), "I don't know.")));
        try (CausalLm lm = Checkpoint.load(world.full(), manager)) {
            double before = MethodRunner.meanNll(lm, idk);
            RunSummary s = MethodRunner.builder().setModel(lm).setTokenizer(tokenizer).setForget(forget)
                    .optRetain(retain).setMethod("toy-idk").optOverrides(List.of("weight=1.0"))
                    .setSettings(TrainSettings.of(1e-3).withBatchSize(4).withMaxSteps(5)
                            .withSchedule(Schedule.CONSTANT, 0).withMaxLength(64))
                    .build().run();
            double after = MethodRunner.meanNll(lm, idk);
            assertEquals(5, s.steps());
            assertEquals("LOSS_BASED", s.kind());
            assertEquals("I don't know.", s.config().get("answer"));
            assertTrue(after < before - 0.05, "the alternate answer's NLL fell: " + before + " -> " + after);
        }
    }
}

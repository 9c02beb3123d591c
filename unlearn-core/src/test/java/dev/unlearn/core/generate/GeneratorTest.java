package dev.unlearn.core.generate;

import dev.unlearn.core.testing.EngineTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.score.Scorer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest extends EngineTest {
    static CausalLm lm;
    static final long[] PROMPT = {1, 5, 9, 3};

    @BeforeAll
    static void setUp() {
        lm = CausalLm.random(ModelConfig.llama(32, 2, 4, 2, 48, 61), root, Device.cpu(), 5);
    }

    @AfterAll
    static void tearDown() {
        lm.close();
    }

    @Test
    void cachedGreedyEqualsNaiveFullForwardLoop() {
        long[] got = Generator.generate(lm, PROMPT, GenerationConfig.greedy(12).withStopTokens(Set.of()), List.of());
        long[] seq = PROMPT.clone();
        for (int i = 0; i < 12; i++) {
            int next = Generator.argmax(Scorer.scoreIds(lm, seq).lastLogits());
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = next;
        }
        assertArrayEquals(Arrays.copyOfRange(seq, PROMPT.length, seq.length), got);
    }

    @Test
    void stopsAtStopTokenAndProcessorsApply() {
        long[] free = Generator.generate(lm, PROMPT, GenerationConfig.greedy(8).withStopTokens(Set.of()), List.of());
        long stop = free[2];
        long[] stopped = Generator.generate(lm, PROMPT, GenerationConfig.greedy(8).withStopTokens(Set.of(stop)),
                List.of());
        int first = 0;
        while (free[first] != stop) {
            first++;
        }
        assertArrayEquals(Arrays.copyOf(free, first + 1), stopped);
        long[] banned = Generator.generate(lm, PROMPT, GenerationConfig.greedy(8).withStopTokens(Set.of()),
                List.of(LogitsProcessor.banTokens(free[0])));
        assertTrue(Arrays.stream(banned).noneMatch(t -> t == free[0]));
        long[][] seen = new long[1][];
        Generator.generate(lm, PROMPT, GenerationConfig.greedy(3).withStopTokens(Set.of()),
                List.of((s, l) -> seen[0] = s.clone()));
        assertEquals(PROMPT.length + 2, seen[0].length, "processor sees prompt + generated so far");
    }

    @Test
    void samplingIsSeededAndRespectsTopP() {
        GenerationConfig c = GenerationConfig.sampling(10, 1.5, 0.9, 42).withStopTokens(Set.of());
        long[] a = Generator.generate(lm, PROMPT, c, List.of());
        long[] b = Generator.generate(lm, PROMPT, c, List.of());
        assertArrayEquals(a, b);
        long[] other = Generator.generate(lm, PROMPT,
                GenerationConfig.sampling(10, 1.5, 0.9, 43).withStopTokens(Set.of()), List.of());
        assertFalse(Arrays.equals(a, other), "different seeds should differ on a random model at T=1.5");
        float[] logits = {0f, 10f, 9.5f, -5f};
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            int t = Generator.sample(logits, 1.0, 0.5, r);
            assertEquals(1, t, "top-p 0.5 keeps only the top token here");
        }
        int seen2 = 0;
        for (int i = 0; i < 500; i++) {
            seen2 += Generator.sample(logits, 1.0, 0.99, r) == 2 ? 1 : 0;
        }
        assertTrue(seen2 > 100 && seen2 < 300, "token 2 has p~0.38: seen " + seen2);
    }
}

package dev.unlearn.core.generate;

import dev.unlearn.core.testing.EngineTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.score.Scorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BeamSearchTest extends EngineTest {
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
    void widthOneEqualsGreedy() {
        long[] greedy = Generator.generate(lm, PROMPT, GenerationConfig.greedy(10).withStopTokens(Set.of()), List.of());
        Optional<long[]> beam = BeamSearch.generate(lm, PROMPT, new BeamSearch.Config(1, 2, 10, Set.of()), List.of(),
                List.of());
        assertArrayEquals(greedy, beam.orElseThrow());
    }

    /** The batched, cache-reordering search equals a naive search that re-runs every beam from scratch. */
    @Test
    void cachedBeamsEqualNaiveFullForwardBeams() {
        BeamSearch.Config cfg = new BeamSearch.Config(3, 6, 8, Set.of(7L));
        LogitsProcessor ban = SequenceFilter.ban(List.of(new long[] {4, 11}, new long[] {20}));
        long[] got = BeamSearch.generate(lm, PROMPT, cfg, List.of(), List.of(ban)).orElseThrow();
        List<BeamSearch.Beam> beams = List.of(BeamSearch.Beam.start());
        for (int step = 0; step < 8; step++) {
            List<float[]> logits = new ArrayList<>();
            for (BeamSearch.Beam b : beams) {
                long[] seq = Arrays.copyOf(PROMPT, PROMPT.length + b.tokens().length);
                System.arraycopy(b.tokens(), 0, seq, PROMPT.length, b.tokens().length);
                logits.add(Scorer.scoreIds(lm, seq).lastLogits());
            }
            beams = BeamSearch.step(beams, logits, PROMPT, cfg, Set.of(7L), ban);
            if (beams.stream().allMatch(BeamSearch.Beam::done)) {
                break;
            }
        }
        assertArrayEquals(beams.get(0).tokens(), got);
        for (int i = 1; i < got.length; i++) {
            assertTrue(got[i] != 20 && !(got[i - 1] == 4 && got[i] == 11), Arrays.toString(got));
        }
    }

    /** methods.md T9 "one beam step". */
    @Test
    void specVectorOneStep() {
        float[] z = {2.0f, 1.5f, 1.0f, 0.2f, -1.0f};
        LogitsProcessor restrict = (seq, l) -> {
            l[1] = Float.NEGATIVE_INFINITY; // completes a forbidden sequence
            l[3] = Float.NEGATIVE_INFINITY; // sim 0.7 ≥ δ
            l[2] -= 0.3162277660168379f;    // sim penalty
        };
        List<BeamSearch.Beam> out = BeamSearch.step(List.of(BeamSearch.Beam.start()), List.of(z), new long[] {1},
                new BeamSearch.Config(2, 4, 5, Set.of()), Set.of(), restrict);
        assertEquals(2, out.size());
        assertArrayEquals(new long[] {0}, out.get(0).tokens());
        assertEquals(-0.7836714066061883, out.get(0).score(), 1e-6);
        assertArrayEquals(new long[] {2}, out.get(1).tokens());
        assertEquals(-2.0998991726230263, out.get(1).score(), 1e-6);
    }

    @Test
    void everythingBlockedGivesEmpty() {
        LogitsProcessor all = (seq, l) -> Arrays.fill(l, Float.NEGATIVE_INFINITY);
        assertTrue(BeamSearch.generate(lm, PROMPT, new BeamSearch.Config(2, 4, 3, Set.of()), List.of(), List.of(all))
                .isEmpty());
    }

    /** methods.md T9 matchRatio vectors through the processor. */
    @Test
    void sequenceFilterRatios() {
        SequenceFilter f = new SequenceFilter(List.of(new long[] {5, 9, 2}, new long[] {7}), 1.0, 0.0);
        assertEquals(1.0, f.ratios(new long[] {1, 5, 9}, 10)[2]);
        assertEquals(0.0, f.ratios(new long[] {1, 5, 9}, 10)[4]);
        assertEquals(2.0 / 3, f.ratios(new long[] {3, 5}, 10)[9], 1e-15);
        assertEquals(1.0, f.ratios(new long[] {3}, 10)[7]);
        assertEquals(1.0 / 3, f.ratios(new long[] {5, 9}, 10)[5], 1e-15);
        float[] l = new float[10];
        new SequenceFilter(List.of(new long[] {5, 9, 2}), 0.6, 1.5).process(new long[] {3, 5}, l);
        assertEquals(Float.NEGATIVE_INFINITY, l[9]);
        assertEquals(-0.5f, l[5], 1e-6); // first token of the sequence: r = 1/3, penalty 1.5/3
    }

    /** methods.md T9 semantic vectors; a continuing token is averaged with its word's prefix. */
    @Test
    void semanticFilterCosines() {
        float[][] e = {{1, 0, 0}, {0, 1, 1}, {1, 0, 1}, {-1, 0, 0.5f}, {0, 0, 1}};
        SemanticFilter f = new SemanticFilter(e, List.of(new long[] {0}, new long[] {1}), null, 0.5, 1.0);
        double[] s = f.similarities(new long[] {4});
        assertEquals(0.7071067811865475, s[2], 1e-7);
        assertEquals(0.3162277660168379, s[3], 1e-7);
        float[] l = new float[5];
        f.process(new long[] {4}, l);
        assertEquals(Float.NEGATIVE_INFINITY, l[2]);
        assertEquals(-0.3162277660168379, l[3], 1e-6);
        boolean[] cont = {false, false, false, true, false};
        SemanticFilter g = new SemanticFilter(e, List.of(new long[] {0}, new long[] {1}), cont, 0.5, 1.0);
        // word = [4, 3]: mean of (0,0,1) and (−1,0,0.5) ∝ (−1, 0, 1.5); cos with (0,1,1)/√2 = 1.5/(√3.25·√2)
        assertEquals(1.5 / (Math.sqrt(3.25) * Math.sqrt(2)), g.similarities(new long[] {4})[3], 1e-7);
    }

    @Test
    void templateSteeringFollowsThePrefix() {
        TemplateSteering t = new TemplateSteering(2, new long[] {3, 4}, 5.0, false);
        float[] l = new float[6];
        t.process(new long[] {9, 9}, l);
        assertEquals(5f, l[3]);
        float[] m = new float[6];
        t.process(new long[] {9, 9, 3}, m);
        assertEquals(5f, m[4]);
        float[] n = new float[6];
        t.process(new long[] {9, 9, 2}, n);
        assertEquals(0f, Arrays.stream(new double[] {n[3], n[4]}).max().getAsDouble());
    }
}

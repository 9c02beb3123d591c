package dev.unlearn.methods.guard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.generate.BeamSearch;
import dev.unlearn.core.generate.LogitsProcessor;
import dev.unlearn.core.generate.SequenceFilter;
import dev.unlearn.methods.spi.ConfigBinder;
import dev.unlearn.methods.testing.Nd;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** methods.md test vectors T9. */
class GuardTest {
    private static final List<long[]> FORBIDDEN = List.of(new long[] {5, 9, 2}, new long[] {7});

    @Test
    void t9Detector() {
        double p = GuardMath.logisticDetector(new double[][] {{1, 2}, {3, 4}}, new double[] {0.5, -0.25}, 0.1);
        Nd.close(0.5866175789173301, p, "σ(0.35)");
        assertTrue(p > GuardConfig.defaults().detectorThreshold());
    }

    @Test
    void t9MatchRatio() {
        Nd.close(1.0, GuardMath.maxMatchRatio(new long[] {1, 5, 9, 2}, FORBIDDEN), "[1,5,9,2]");
        Nd.close(0.0, GuardMath.maxMatchRatio(new long[] {1, 5, 9, 4}, FORBIDDEN), "[1,5,9,4]");
        Nd.close(0.6666666666666666, GuardMath.maxMatchRatio(new long[] {3, 5, 9}, FORBIDDEN), "[3,5,9]");
        Nd.close(1.0, GuardMath.maxMatchRatio(new long[] {3, 7}, FORBIDDEN), "[3,7]");
        Nd.close(0.3333333333333333, GuardMath.maxMatchRatio(new long[] {5, 9, 5}, FORBIDDEN), "[5,9,5]");
    }

    @Test
    void t9SemanticSimilarity() {
        List<double[]> w = List.of(new double[] {1, 0, 0}, new double[] {0, 1, 1});
        double[] c1 = {1, 0, 1};
        Nd.close(0.7071067811865475, GuardMath.cosine(c1, w.get(0)), "cos 1");
        Nd.close(0.5, GuardMath.cosine(c1, w.get(1)), "cos 2");
        Nd.close(0.7071067811865475, GuardMath.semanticSimilarity(c1, w), "max");
        double[] c2 = {-1, 0, 0.5};
        Nd.close(-0.8944271909999159, GuardMath.cosine(c2, w.get(0)), "cos 3");
        Nd.close(0.3162277660168379, GuardMath.semanticSimilarity(c2, w), "max 2");
    }

    /**
     * T9 through production decoding: core's {@link BeamSearch#step} with GUARD's restriction
     * processors (the exact-match {@link SequenceFilter}; a semantic stand-in giving the vector's
     * similarities, blocking at δ and subtracting {@code λ_sem·max(sim, 0)} like {@code SemanticFilter}).
     * The logits pass through float32, so the scores match to float precision.
     */
    @Test
    void t9OneBeamStep() {
        double[] logits = {2.0, 1.5, 1.0, 0.2, -1.0};
        Nd.close(new double[] {-0.7836714066061883, -1.2836714066061883, -1.7836714066061883, -2.5836714066061885,
            -3.7836714066061883}, GuardMath.logSoftmax(logits), "log-probs");
        Nd.close(GuardMath.logSoftmax(logits), BeamSearch.logSoftmax(floats(logits)), 1e-7, 1e-7, "core log-probs");
        double[] sim = {-0.2, 0.0, 0.3162277660168379, 0.7, -0.5};
        GuardConfig c = ConfigBinder.bind("guard", GuardConfig.class, GuardConfig.defaults(),
                Map.of("beam_width", 2, "candidates_per_beam", 4));
        LogitsProcessor restrict = LogitsProcessor.chain(List.of(
                new SequenceFilter(List.of(new long[] {1}), c.beta(), c.tokenPenalty()), semantic(sim, c)));
        List<BeamSearch.Beam> next = BeamSearch.step(List.of(BeamSearch.Beam.start()), List.of(floats(logits)),
                new long[] {7}, config(c), Set.of(99L), restrict);
        assertEquals(2, next.size());
        assertArrayEquals(new long[] {0}, next.get(0).tokens());
        Nd.close(-0.7836714066061883, next.get(0).score(), 1e-6, 1e-7, "beam 1");
        assertArrayEquals(new long[] {2}, next.get(1).tokens());
        Nd.close(-2.0998991726230263, next.get(1).score(), 1e-6, 1e-7, "beam 2");
    }

    @Test
    void allBlockedGivesEmptyStep() {
        GuardConfig c = ConfigBinder.bind("guard", GuardConfig.class, GuardConfig.defaults(),
                Map.of("beam_width", 2, "candidates_per_beam", 2));
        LogitsProcessor blockAll = (seq, z) -> java.util.Arrays.fill(z, Float.NEGATIVE_INFINITY);
        assertTrue(BeamSearch.step(List.of(BeamSearch.Beam.start()), List.of(new float[] {1, 2, 3}), new long[] {7},
                config(c), Set.of(0L), blockAll).isEmpty());
    }

    private static BeamSearch.Config config(GuardConfig c) {
        return new BeamSearch.Config(c.beamWidth(), c.candidatesPerBeam(), c.maxNewTokens(), null);
    }

    /** Blocks candidates whose similarity reaches δ, subtracts {@code λ_sem·max(sim, 0)} from the others. */
    private static LogitsProcessor semantic(double[] sim, GuardConfig c) {
        return (seq, z) -> {
            for (int v = 0; v < z.length; v++) {
                if (sim[v] >= c.semanticThreshold()) {
                    z[v] = Float.NEGATIVE_INFINITY;
                } else if (sim[v] > 0) {
                    z[v] = (float) (z[v] - c.semanticPenalty() * sim[v]);
                }
            }
        };
    }

    private static float[] floats(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    @Test
    void forbiddenPhrases() {
        List<String> p = ForbiddenPhrases.extract("Where was Jane Doe born?",
                "Jane Doe was born in Lyon in 1952, to a family of bakers.", true);
        assertEquals(List.of("Lyon", "1952", "family", "bakers"), p);
        List<String> q = ForbiddenPhrases.extract("Who?", "Jane Doe wrote novels.", true);
        assertEquals(List.of("Jane", "Doe", "wrote", "novels", "Jane Doe wrote novels"), q);
        assertEquals(List.of("lyon", " lyon", "Lyon", " Lyon"), ForbiddenPhrases.surfaceVariants("lyon"));
    }

    @Test
    void currentWordAndFilteredDistribution() {
        // tokens ≥ 100 open a word (stand-in for a leading space)
        assertArrayEquals(new long[] {101, 5, 6}, GuardMath.currentWord(new long[] {100, 7, 101, 5, 6}, t -> t >= 100));
        assertArrayEquals(new long[] {7}, GuardMath.currentWord(new long[] {7}, t -> t >= 100));
        double[] v = GuardMath.wordVector(new long[] {0, 1}, t -> t == 0 ? new double[] {1, 0} : new double[] {0, 3});
        Nd.close(new double[] {0.5, 1.5}, v, "mean embedding");
        double[] lp = GuardMath.filteredLogProbs(new double[] {2.0, 1.5, 1.0}, new boolean[] {false, true, false},
                new double[] {0, 0, 0.5});
        assertEquals(Double.NEGATIVE_INFINITY, lp[1]);
        double z = Math.log(Math.exp(2.0) + Math.exp(0.5));
        Nd.close(new double[] {2.0 - z, 0.5 - z}, new double[] {lp[0], lp[2]}, "renormalised");
    }
}

package dev.unlearn.methods.guard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.methods.spi.ConfigBinder;
import dev.unlearn.methods.testing.Nd;
import java.util.List;
import java.util.Map;
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

    @Test
    void t9OneBeamStep() {
        double[] logits = {2.0, 1.5, 1.0, 0.2, -1.0};
        Nd.close(new double[] {-0.7836714066061883, -1.2836714066061883, -1.7836714066061883, -2.5836714066061885,
            -3.7836714066061883}, GuardMath.logSoftmax(logits), "log-probs");
        double[] sim = {-0.2, 0.0, 0.3162277660168379, 0.7, -0.5};
        RestrictedBeamSearch.CandidateCheck check = new RestrictedBeamSearch.CandidateCheck() {
            @Override
            public double matchRatio(long[] g) {
                return GuardMath.maxMatchRatio(g, List.of(new long[] {1}));
            }

            @Override
            public double similarity(long[] g) {
                return sim[(int) g[g.length - 1]];
            }
        };
        GuardConfig c = ConfigBinder.bind("guard", GuardConfig.class, GuardConfig.defaults(),
                Map.of("beam_width", 2, "candidates_per_beam", 4));
        List<RestrictedBeamSearch.Beam> next = RestrictedBeamSearch.step(List.of(RestrictedBeamSearch.Beam.start()),
                List.of(logits), c, 99, check);
        assertEquals(2, next.size());
        assertArrayEquals(new long[] {0}, next.get(0).tokens());
        Nd.close(-0.7836714066061883, next.get(0).score(), "beam 1");
        assertArrayEquals(new long[] {2}, next.get(1).tokens());
        Nd.close(-2.0998991726230263, next.get(1).score(), "beam 2");
    }

    @Test
    void allBlockedGivesEmptyStep() {
        GuardConfig c = ConfigBinder.bind("guard", GuardConfig.class, GuardConfig.defaults(),
                Map.of("beam_width", 2, "candidates_per_beam", 2));
        RestrictedBeamSearch.CandidateCheck blockAll = new RestrictedBeamSearch.CandidateCheck() {
            @Override
            public double matchRatio(long[] g) {
                return 1;
            }

            @Override
            public double similarity(long[] g) {
                return 0;
            }
        };
        assertTrue(RestrictedBeamSearch.step(List.of(RestrictedBeamSearch.Beam.start()),
                List.of(new double[] {1, 2, 3}), c, 0, blockAll).isEmpty());
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

package dev.unlearn.eval.mia;

import dev.unlearn.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * One membership-inference attack: a per-sample score where higher means "less likely a training
 * member", like a loss.
 *
 * <p>Reference matched: open-unlearning {@code src/evals/metrics/mia} at {@code d3d7cf9}; spec §4.
 */
public interface MiaAttack {
    /** Attack name as in OU ({@code loss}, {@code zlib}, {@code min_k}, {@code min_k_plus_plus}, {@code gradnorm}, {@code reference}). */
    String name();

    /** Score of one sample. */
    double score(String key, MiaSample sample);

    /** An attack called {@code name} that scores a sample with {@code score}. */
    static MiaAttack of(String name, Scorer score) {
        return new MiaAttack() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double score(String key, MiaSample s) {
                return score.score(key, s);
            }
        };
    }

    /** The scoring function of {@link #of}. */
    @FunctionalInterface
    interface Scorer {
        /** Score of sample {@code key}. */
        double score(String key, MiaSample sample);
    }

    /** LOSS: {@code score = L} (§4.2). */
    MiaAttack LOSS = of("loss", (key, s) -> requireFinite(s.meanLoss(), key, "meanLoss"));

    /** ZLib: {@code score = L / len(zlib.compress(text.encode("utf-8")))} at level 6 (§4.3). */
    MiaAttack ZLIB = of("zlib", (key, s) -> {
        String text = requirePresent(s.text(), "ZLib attack", key, "decoded text");
        return requireFinite(s.meanLoss(), key, "meanLoss") / zlibLength(text);
    });

    /** Reference attack: {@code score = L_target − L_reference} (§4.7). */
    MiaAttack REFERENCE = of("reference", (key, s) -> requireFinite(s.meanLoss(), key, "meanLoss")
            - requireFinite(s.referenceMeanLoss(), key, "referenceMeanLoss"));

    /** GradNorm: mean of per-tensor gradient p-norms (§4.6). */
    MiaAttack GRADNORM = of("gradnorm", (key, s) -> {
        if (s.gradientNorms() == null || s.gradientNorms().length == 0) {
            throw new InvalidInputException("GradNorm attack: sample " + key + " has no gradient norms");
        }
        return GradNorm.score(s.gradientNorms());
    });

    /** Min-K% Prob with fraction {@code k} (§4.4; shipped configs 0.4, class default 0.2). */
    static MiaAttack minK(double k) {
        return of("min_k", (key, s) -> minKScore(requirePresent(s.tokenLogProbs(), "Min-K% attack", key, "token log-probs"), k));
    }

    /** Min-K%++ with fraction {@code k} (§4.5). */
    static MiaAttack minKPlusPlus(double k) {
        return of("min_k_plus_plus", (key, s) ->
                minKScore(zScores(requirePresent(s.vocabStats(), "Min-K%++ attack", key, "vocabulary statistics")), k));
    }

    /**
     * {@code −mean} of the {@code max(1, floor(n·k))} smallest values; 0 for an empty array (OU
     * {@code mia_min_k}).
     */
    static double minKScore(double[] values, double k) {
        if (values.length == 0) {
            return 0.0;
        }
        int nk = Math.max(1, (int) Math.floor(values.length * k));
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return -dev.unlearn.eval.stats.NumpySum.mean(Arrays.copyOf(sorted, nk));
    }

    /** {@code z_t = (ℓ[target] − μ_t)/sqrt(max(σ²_t, 1e-6))} (§4.5). */
    static double[] zScores(MiaSample.VocabStats v) {
        double[] z = new double[v.targetLogProb().length];
        for (int t = 0; t < z.length; t++) {
            z[t] = (v.targetLogProb()[t] - v.mean()[t]) / Math.sqrt(Math.max(v.variance()[t], 1e-6));
        }
        return z;
    }

    /** {@code len(zlib.compress(s.encode("utf-8")))} with header and Adler-32 trailer, level 6. */
    static int zlibLength(String text) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, false);
        try {
            d.setInput(text.getBytes(StandardCharsets.UTF_8));
            d.finish();
            byte[] buf = new byte[1024];
            int total = 0;
            while (!d.finished()) {
                total += d.deflate(buf);
            }
            return total;
        } finally {
            d.end();
        }
    }

    private static <T> T requirePresent(T value, String attack, String key, String what) {
        if (value == null) {
            throw new InvalidInputException(attack + ": sample " + key + " has no " + what);
        }
        return value;
    }

    private static double requireFinite(double v, String key, String field) {
        if (!Double.isFinite(v)) {
            throw new InvalidInputException("MIA: sample " + key + " has " + field + " = " + v + "; a finite value is required");
        }
        return v;
    }
}

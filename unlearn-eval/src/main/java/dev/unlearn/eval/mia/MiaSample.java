package dev.unlearn.eval.mia;

/**
 * What the MIA attacks need of one sample, all computed beforehand by the model-side code. Fields an
 * attack does not use may be {@code null} (or NaN for numbers).
 *
 * @param meanLoss {@code L} of spec §1.3, EOS label included (LOSS, ZLib, Reference)
 * @param text decoded target tokens, {@code skip_special_tokens=True} (ZLib)
 * @param tokenLogProbs target log-probs at the §1.4 positions, last labelled (EOS) position dropped (Min-K%)
 * @param vocabStats per-position target log-prob, expected log-prob and variance over the vocabulary at
 *     the same §1.4 positions (Min-K%++); see {@link VocabStats#fromLogSoftmaxRows}
 * @param gradientNorms p-norm of each parameter tensor's gradient of {@code −mean(tokenLogProbs)}, batch
 *     size 1 (GradNorm); see {@link GradNorm#norm}
 * @param referenceMeanLoss {@code L} of the same sample under the reference (retain) model (Reference)
 */
public record MiaSample(double meanLoss, String text, double[] tokenLogProbs, VocabStats vocabStats,
        double[] gradientNorms, double referenceMeanLoss) {

    /**
     * Per-position statistics of the next-token distribution for Min-K%++.
     *
     * @param targetLogProb {@code ℓ[target_t]}
     * @param mean {@code μ_t = Σ_v p_v ℓ_v}
     * @param variance {@code σ²_t = Σ_v p_v ℓ_v² − μ_t²} (unclamped; the attack clamps at 1e-6)
     */
    public record VocabStats(double[] targetLogProb, double[] mean, double[] variance) {
        /**
         * Computes the statistics from full log-softmax rows, one per scored position.
         *
         * @param logSoftmaxRows {@code log_softmax(z_{t−1})} per position, each of vocabulary size
         * @param targets target id per position
         */
        public static VocabStats fromLogSoftmaxRows(double[][] logSoftmaxRows, int[] targets) {
            int n = targets.length;
            double[] lp = new double[n];
            double[] mu = new double[n];
            double[] var = new double[n];
            for (int t = 0; t < n; t++) {
                double[] row = logSoftmaxRows[t];
                double m = 0;
                double m2 = 0;
                for (double l : row) {
                    double p = Math.exp(l);
                    m += p * l;
                    m2 += p * l * l;
                }
                lp[t] = row[targets[t]];
                mu[t] = m;
                var[t] = m2 - m * m;
            }
            return new VocabStats(lp, mu, var);
        }
    }

    /** A sample carrying only what LOSS and Min-K% need. */
    public static MiaSample ofLogProbs(double meanLoss, double[] tokenLogProbs) {
        return new MiaSample(meanLoss, null, tokenLogProbs, null, null, Double.NaN);
    }
}

package dev.unlearn.eval.mia;

/**
 * GradNorm attack helpers: p-norm of one flattened gradient tensor and the score, the mean of
 * per-tensor norms (not the global norm).
 *
 * <p>Reference matched: OU {@code mia/gradnorm.py}; spec §4.6, vector C-GRAD. The model-side code must
 * zero gradients, back-propagate {@code −mean(lp)} for one sample (never inside an accumulation step)
 * and pass each parameter's gradient here or its norm to {@link MiaSample}.
 */
public final class GradNorm {
    private GradNorm() {}

    /**
     * p-norm of a flattened tensor.
     *
     * @param p 1, 2 or {@code Double.POSITIVE_INFINITY} (configs use 2)
     */
    public static double norm(double[] flat, double p) {
        if (p == Double.POSITIVE_INFINITY) {
            double m = 0;
            for (double v : flat) {
                m = Math.max(m, Math.abs(v));
            }
            return m;
        }
        if (p == 1) {
            double s = 0;
            for (double v : flat) {
                s += Math.abs(v);
            }
            return s;
        }
        if (p == 2) {
            double s = 0;
            for (double v : flat) {
                s += v * v;
            }
            return Math.sqrt(s);
        }
        throw new IllegalArgumentException("GradNorm p must be 1, 2 or infinity, got " + p);
    }

    /** Mean of per-tensor norms. */
    public static double score(double[] perTensorNorms) {
        double s = 0;
        for (double v : perTensorNorms) {
            s += v;
        }
        return s / perTensorNorms.length;
    }
}

package dev.unlearn.eval.representation;

import dev.unlearn.core.InvalidInputException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Centered Kernel Alignment between two representations of the same n inputs (rows aligned).
 *
 * <p>Reference matched: Kornblith et al. 2019 ("Similarity of Neural Network Representations
 * Revisited") reference code ({@code gram_linear}, {@code gram_rbf}, {@code center_gram},
 * {@code cka}, {@code feature_space_linear_cka}); the non-zero-median RBF bandwidth of UUEF /
 * yuanli2333's CKA code; spec §5.2, vector D-CKA.
 * {@code CKA(K, L) = ⟨HKH, HLH⟩_F / (‖HKH‖_F ‖HLH‖_F)}; linear {@code K = XXᵀ}; RBF
 * {@code K_ij = exp(−‖x_i − x_j‖² / (2σ²))} with {@code σ² = threshold² · median(all n² squared
 * distances)} (Kornblith, default threshold 1) or {@code σ² = median(non-zero squared distances)}
 * (UUEF). Debiased: the unbiased HSIC centring ({@code center_gram(unbiased=True)}), needs n > 3 and
 * may be negative. All in double. A side that is constant across samples makes CKA undefined: NaN
 * with a warning, not 0.
 */
public final class Cka {
    private static final Logger LOG = LoggerFactory.getLogger(Cka.class);

    /** Kernel choice. */
    public sealed interface Kernel permits Linear, Rbf {}

    /** Linear kernel {@code XXᵀ}. */
    public record Linear() implements Kernel {}

    /**
     * RBF kernel.
     *
     * @param threshold fraction of the median distance (Kornblith rule)
     * @param nonZeroMedian use the UUEF rule {@code σ² = median of non-zero squared distances}
     */
    public record Rbf(double threshold, boolean nonZeroMedian) implements Kernel {}

    /** Linear kernel. */
    public static final Kernel LINEAR = new Linear();

    /** Kornblith RBF kernel with the given threshold (default 1.0). */
    public static Kernel rbf(double threshold) {
        return new Rbf(threshold, false);
    }

    /** UUEF RBF kernel: {@code σ²} = median of the non-zero squared distances. */
    public static Kernel rbfNonZeroMedian() {
        return new Rbf(1.0, true);
    }

    private Cka() {}

    /** Linear CKA (Gram form). */
    public static double linear(double[][] x, double[][] y) {
        return cka(x, y, LINEAR, false);
    }

    /**
     * CKA with a kernel.
     *
     * @param x n×p1 representation
     * @param y n×p2 representation of the same inputs
     * @param kernel linear or RBF
     * @param debiased use the unbiased HSIC estimator
     */
    public static double cka(double[][] x, double[][] y, Kernel kernel, boolean debiased) {
        int n = rows(x, y);
        if (debiased && n <= 3) {
            throw new InvalidInputException("debiased CKA needs more than 3 samples, got " + n);
        }
        double[][] k = center(gram(x, kernel), debiased);
        double[][] l = center(gram(y, kernel), debiased);
        double dot = 0;
        double nk = 0;
        double nl = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                dot += k[i][j] * l[i][j];
                nk += k[i][j] * k[i][j];
                nl += l[i][j] * l[i][j];
            }
        }
        if (nk == 0 || nl == 0) {
            LOG.warn("CKA undefined: a representation is constant across the {} samples; reporting NaN", n);
            return Double.NaN;
        }
        return dot / (Math.sqrt(nk) * Math.sqrt(nl));
    }

    /** Linear CKA in feature space: {@code ‖Ycᵀ Xc‖² / (‖Xcᵀ Xc‖ ‖Ycᵀ Yc‖)}; cheaper when p < n. */
    public static double linearFeatureSpace(double[][] x, double[][] y) {
        rows(x, y);
        double[][] xc = centerColumns(x);
        double[][] yc = centerColumns(y);
        double num = frobeniusSquared(crossProduct(yc, xc));
        double nx = Math.sqrt(frobeniusSquared(crossProduct(xc, xc)));
        double ny = Math.sqrt(frobeniusSquared(crossProduct(yc, yc)));
        if (nx == 0 || ny == 0) {
            LOG.warn("CKA undefined: a representation is constant across samples; reporting NaN");
            return Double.NaN;
        }
        return num / (nx * ny);
    }

    /**
     * UUEF-compatible batch mean: linear CKA per consecutive batch of {@code batchSize} rows in dataset
     * order, averaged (the last batch may be smaller).
     */
    public static double linearBatchMean(double[][] x, double[][] y, int batchSize) {
        int n = rows(x, y);
        double sum = 0;
        int batches = 0;
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            sum += linear(Arrays.copyOfRange(x, start, end), Arrays.copyOfRange(y, start, end));
            batches++;
        }
        return sum / batches;
    }

    static double[][] gram(double[][] x, Kernel kernel) {
        int n = x.length;
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int d = 0; d < x[i].length; d++) {
                    s += x[i][d] * x[j][d];
                }
                g[i][j] = s;
            }
        }
        if (kernel instanceof Linear) {
            return g;
        }
        Rbf rbf = (Rbf) kernel;
        double[][] sq = new double[n][n];
        double[] all = new double[n * n];
        int nonZero = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sq[i][j] = -2 * g[i][j] + g[i][i] + g[j][j];
                all[i * n + j] = sq[i][j];
                if (sq[i][j] != 0) {
                    nonZero++;
                }
            }
        }
        double sigma2;
        if (rbf.nonZeroMedian()) {
            double[] nz = new double[nonZero];
            int c = 0;
            for (double v : all) {
                if (v != 0) {
                    nz[c++] = v;
                }
            }
            if (nonZero == 0) {
                throw new InvalidInputException("representation constant: every squared distance is 0, RBF bandwidth undefined");
            }
            sigma2 = median(nz);
        } else {
            sigma2 = rbf.threshold() * rbf.threshold() * median(all);
        }
        if (!(sigma2 > 0)) {
            throw new InvalidInputException("representation constant: median squared distance is " + sigma2 + ", RBF bandwidth undefined");
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sq[i][j] = Math.exp(-sq[i][j] / (2 * sigma2));
            }
        }
        return sq;
    }

    static double[][] center(double[][] gram, boolean unbiased) {
        int n = gram.length;
        double[][] k = new double[n][];
        for (int i = 0; i < n; i++) {
            k[i] = gram[i].clone();
        }
        double[] means = new double[n];
        if (unbiased) {
            for (int i = 0; i < n; i++) {
                k[i][i] = 0;
            }
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += k[i][j];
                }
                means[j] = s / (n - 2);
            }
            double total = 0;
            for (double m : means) {
                total += m;
            }
            double shift = total / (2.0 * (n - 1));
            for (int j = 0; j < n; j++) {
                means[j] -= shift;
            }
        } else {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += k[i][j];
                }
                means[j] = s / n;
            }
            double total = 0;
            for (double m : means) {
                total += m;
            }
            double shift = total / n / 2;
            for (int j = 0; j < n; j++) {
                means[j] -= shift;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i][j] -= means[i] + means[j];
            }
        }
        if (unbiased) {
            for (int i = 0; i < n; i++) {
                k[i][i] = 0;
            }
        }
        return k;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double[][] centerColumns(double[][] x) {
        int n = x.length;
        int p = x[0].length;
        double[][] c = new double[n][p];
        for (int d = 0; d < p; d++) {
            double m = 0;
            for (double[] row : x) {
                m += row[d];
            }
            m /= n;
            for (int i = 0; i < n; i++) {
                c[i][d] = x[i][d] - m;
            }
        }
        return c;
    }

    /** {@code aᵀ b}. */
    private static double[][] crossProduct(double[][] a, double[][] b) {
        int pa = a[0].length;
        int pb = b[0].length;
        double[][] out = new double[pa][pb];
        for (int i = 0; i < a.length; i++) {
            for (int r = 0; r < pa; r++) {
                for (int c = 0; c < pb; c++) {
                    out[r][c] += a[i][r] * b[i][c];
                }
            }
        }
        return out;
    }

    private static double frobeniusSquared(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            for (double v : row) {
                s += v * v;
            }
        }
        return s;
    }

    private static int rows(double[][] x, double[][] y) {
        if (x.length == 0 || x.length != y.length) {
            throw new InvalidInputException("CKA needs the same non-zero number of rows on both sides, got " + x.length + " and " + y.length
                    + "; rows must be the same inputs in the same order");
        }
        return x.length;
    }
}

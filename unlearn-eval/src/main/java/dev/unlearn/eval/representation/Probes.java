package dev.unlearn.eval.representation;

import dev.unlearn.core.InvalidInputException;
import java.util.Arrays;
import java.util.TreeSet;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Deterministic probes of representation quality: cosine k-NN and a closed-form ridge classifier, plus
 * the TOFU author labels and 80/20 split they use.
 *
 * <p>Our definition [OURS], spec §5.3, adapted from UUEF's {@code KNeighborsClassifier(n_neighbors=5,
 * metric='cosine')}; vectors D-KNN and D-RIDGE. k-NN: distance {@code 1 − cos(a, b)} (a zero vector has
 * cosine 0 to everything), ties in distance to the lower training index, uniform vote, vote ties to the
 * smallest label. Ridge: standardise with the training mean and population std (std 0 → 1), append
 * a bias column of ones (last), {@code W = (ZᵀZ + λP)⁻¹ ZᵀT} with one-hot targets over the sorted
 * training labels and {@code P} = identity with 0 for the bias, predict the arg-max (ties to the
 * smaller class).
 */
public final class Probes {
    /** Default k of the k-NN probe. */
    public static final int DEFAULT_K = 5;
    /** Default ridge penalty. */
    public static final double DEFAULT_LAMBDA = 1.0;
    /** Rows per TOFU author. */
    public static final int ROWS_PER_AUTHOR = 20;

    private Probes() {}

    /** TOFU author id of a row: {@code floor(row / 20)}. Not valid for {@code retain_perturbed}. */
    public static int authorLabel(int row) {
        return row / ROWS_PER_AUTHOR;
    }

    /** The fewest rows per author with a test row: rows 0-3 train, row 4 tests. */
    public static final int MIN_ROWS = 5;

    /** Whether a row is a test row: position within its author {@code % 5 == 4}. */
    public static boolean isTestRow(int row) {
        return (row % ROWS_PER_AUTHOR) % 5 == 4;
    }

    /** k-NN predictions for each test row. */
    public static int[] knnPredict(double[][] train, int[] labels, double[][] test, int k) {
        check(train, labels);
        double[] trainNorm = norms(train);
        int[] out = new int[test.length];
        Integer[] idx = new Integer[train.length];
        for (int t = 0; t < test.length; t++) {
            double[] q = test[t];
            double qn = norm(q);
            double[] dist = new double[train.length];
            for (int i = 0; i < train.length; i++) {
                double cos = qn == 0 || trainNorm[i] == 0 ? 0 : dot(q, train[i]) / (qn * trainNorm[i]);
                dist[i] = 1 - cos;
                idx[i] = i;
            }
            Arrays.sort(idx, (a, b) -> dist[a] != dist[b] ? Double.compare(dist[a], dist[b]) : Integer.compare(a, b));
            java.util.TreeMap<Integer, Integer> votes = new java.util.TreeMap<>();
            for (int j = 0; j < Math.min(k, train.length); j++) {
                votes.merge(labels[idx[j]], 1, Integer::sum);
            }
            int best = Integer.MIN_VALUE;
            int bestVotes = -1;
            for (java.util.Map.Entry<Integer, Integer> e : votes.entrySet()) {
                if (e.getValue() > bestVotes) {
                    best = e.getKey();
                    bestVotes = e.getValue();
                }
            }
            out[t] = best;
        }
        return out;
    }

    /** A fitted ridge probe. */
    public record Ridge(double[] mean, double[] std, int[] classes, double[][] weights) {
        /** Scores {@code ZW} of one row (classes in {@link #classes()} order). */
        public double[] scores(double[] x) {
            int p = mean.length;
            double[] s = new double[classes.length];
            for (int c = 0; c < classes.length; c++) {
                double v = weights[p][c];
                for (int d = 0; d < p; d++) {
                    v += (x[d] - mean[d]) / std[d] * weights[d][c];
                }
                s[c] = v;
            }
            return s;
        }

        /** Arg-max class of one row, ties to the smaller class. */
        public int predict(double[] x) {
            double[] s = scores(x);
            int best = 0;
            for (int c = 1; c < s.length; c++) {
                if (s[c] > s[best]) {
                    best = c;
                }
            }
            return classes[best];
        }
    }

    /** Fits the ridge probe. */
    public static Ridge fitRidge(double[][] train, int[] labels, double lambda) {
        check(train, labels);
        int n = train.length;
        int p = train[0].length;
        double[] mean = new double[p];
        double[] std = new double[p];
        for (int d = 0; d < p; d++) {
            double m = 0;
            for (double[] r : train) {
                m += r[d];
            }
            m /= n;
            double v = 0;
            for (double[] r : train) {
                v += (r[d] - m) * (r[d] - m);
            }
            double s = Math.sqrt(v / n);
            mean[d] = m;
            std[d] = s == 0 ? 1 : s;
        }
        int[] classes = new TreeSet<>(Arrays.stream(labels).boxed().toList()).stream().mapToInt(Integer::intValue).toArray();
        double[][] z = new double[n][p + 1];
        double[][] t = new double[n][classes.length];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < p; d++) {
                z[i][d] = (train[i][d] - mean[d]) / std[d];
            }
            z[i][p] = 1;
            t[i][Arrays.binarySearch(classes, labels[i])] = 1;
        }
        RealMatrix zm = new Array2DRowRealMatrix(z, false);
        RealMatrix a = zm.transpose().multiply(zm);
        for (int d = 0; d < p; d++) {
            a.addToEntry(d, d, lambda);
        }
        RealMatrix w = new LUDecomposition(a).getSolver().solve(zm.transpose().multiply(new Array2DRowRealMatrix(t, false)));
        return new Ridge(mean, std, classes, w.getData());
    }

    /** Fraction of predictions equal to the labels. */
    public static double accuracy(int[] predicted, int[] labels) {
        if (predicted.length != labels.length || labels.length == 0) {
            throw new InvalidInputException("accuracy needs equal, non-zero numbers of predictions and labels");
        }
        int hit = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                hit++;
            }
        }
        return (double) hit / labels.length;
    }

    /** Predictions of a ridge probe for many rows. */
    public static int[] ridgePredict(Ridge r, double[][] test) {
        int[] out = new int[test.length];
        for (int i = 0; i < test.length; i++) {
            out[i] = r.predict(test[i]);
        }
        return out;
    }

    private static void check(double[][] train, int[] labels) {
        if (train.length == 0 || train.length != labels.length) {
            throw new InvalidInputException("probe needs one label per training row, got " + train.length + " rows and " + labels.length + " labels");
        }
    }

    private static double[] norms(double[][] m) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = norm(m[i]);
        }
        return out;
    }

    private static double norm(double[] v) {
        return Math.sqrt(dot(v, v));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

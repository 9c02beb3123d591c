package dev.unlearn.methods.guard;

import dev.unlearn.core.data.Batches;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * GUARD's prompt detector (methods.md §9.2 step 1): a classifier on the mean-pooled hidden states
 * {@code z(x)} of one layer of the model itself, returning {@code P(forget target | x)}. Features are
 * standardised with the training set's mean and standard deviation [OURS], then passed through
 * {@code mlp} (d → 256 → 256 → 2, ReLU, dropout 0.1 in training, softmax) or {@code logistic}
 * (d → 2 softmax, i.e. {@code σ(wᵀz + b)}). Trained with Adam (lr 1e-3, β 0.9/0.999, batch 32) on a
 * class-weighted cross-entropy (each class weighs half), seeded. Immutable once trained.
 */
public final class PromptDetector {
    /** One dense layer {@code y = W x + b}, {@code W} is [out][in]. */
    public record Dense(float[][] weight, float[] bias) {}

    private final String kind;
    private final float[] mean;
    private final float[] std;
    private final List<Dense> layers;

    /**
     * @param kind {@code mlp} or {@code logistic}
     * @param mean feature means subtracted first
     * @param std feature standard deviations divided by next
     * @param layers dense layers (ReLU between them), the last one with 2 outputs
     */
    public PromptDetector(String kind, float[] mean, float[] std, List<Dense> layers) {
        this.kind = kind;
        this.mean = mean.clone();
        this.std = std.clone();
        this.layers = List.copyOf(layers);
        if (layers.isEmpty() || layers.get(layers.size() - 1).bias().length != 2) {
            throw new IllegalArgumentException("a detector needs layers ending in 2 outputs");
        }
    }

    public String kind() {
        return kind;
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    public List<Dense> layers() {
        return layers;
    }

    /** {@code P(forget target)} for raw (unstandardised) features. */
    public double score(double[] z) {
        double[] h = standardise(z);
        for (int l = 0; l < layers.size(); l++) {
            h = dense(layers.get(l), h);
            if (l < layers.size() - 1) {
                relu(h);
            }
        }
        return softmax2(h)[1];
    }

    /**
     * Trains a detector.
     *
     * @param features raw features, one row per prompt
     * @param positive label per row (true = forget target)
     * @param kind {@code mlp} or {@code logistic}
     * @param epochs passes over the data (spec default 100)
     * @param seed initialisation, dropout and shuffling seed
     */
    public static PromptDetector train(List<double[]> features, List<Boolean> positive, String kind, int epochs,
            long seed) {
        int n = features.size();
        int d = features.get(0).length;
        long pos = positive.stream().filter(b -> b).count();
        if (pos == 0 || pos == n) {
            throw new IllegalArgumentException("the detector needs positives and negatives, got " + pos + " of " + n);
        }
        float[] mean = new float[d];
        float[] std = new float[d];
        for (double[] f : features) {
            for (int j = 0; j < d; j++) {
                mean[j] += (float) (f[j] / n);
            }
        }
        for (double[] f : features) {
            for (int j = 0; j < d; j++) {
                std[j] += (float) ((f[j] - mean[j]) * (f[j] - mean[j]) / n);
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = (float) Math.max(Math.sqrt(std[j]), 1e-6);
        }
        int[] sizes = kind.equals("mlp") ? new int[] {d, 256, 256, 2} : new int[] {d, 2};
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Dense> layers = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) {
            double bound = 1 / Math.sqrt(sizes[l]);
            float[][] w = new float[sizes[l + 1]][sizes[l]];
            float[] b = new float[sizes[l + 1]];
            for (int o = 0; o < w.length; o++) {
                for (int i = 0; i < w[o].length; i++) {
                    w[o][i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                }
                b[o] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
            layers.add(new Dense(w, b));
        }
        PromptDetector det = new PromptDetector(kind, mean, std, layers);
        new Trainer(det, layers, sizes, rnd).run(features, positive, n / (2.0 * pos), n / (2.0 * (n - pos)), epochs);
        return det;
    }

    private double[] standardise(double[] z) {
        if (z.length != mean.length) {
            throw new IllegalArgumentException("detector expects " + mean.length + " features, got " + z.length);
        }
        double[] h = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            h[j] = (z[j] - mean[j]) / std[j];
        }
        return h;
    }

    private static double[] dense(Dense l, double[] x) {
        double[] y = new double[l.bias().length];
        for (int o = 0; o < y.length; o++) {
            float[] w = l.weight()[o];
            double s = l.bias()[o];
            for (int i = 0; i < x.length; i++) {
                s += w[i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    private static void relu(double[] h) {
        for (int i = 0; i < h.length; i++) {
            h[i] = Math.max(h[i], 0);
        }
    }

    private static double[] softmax2(double[] o) {
        double m = Math.max(o[0], o[1]);
        double a = Math.exp(o[0] - m);
        double b = Math.exp(o[1] - m);
        return new double[] {a / (a + b), b / (a + b)};
    }

    /** Minibatch Adam with dropout 0.1 after each hidden ReLU; updates the layers' arrays in place. */
    private static final class Trainer {
        static final double LR = 1e-3, B1 = 0.9, B2 = 0.999, EPS = 1e-8, DROPOUT = 0.1;
        static final int BATCH = 32;
        final PromptDetector det;
        final List<Dense> layers;
        final int[] sizes;
        final SplittableRandom rnd;
        final double[][][] mw, vw, gw;
        final double[][] mb, vb, gb;
        int t;

        Trainer(PromptDetector det, List<Dense> layers, int[] sizes, SplittableRandom rnd) {
            this.det = det;
            this.layers = layers;
            this.sizes = sizes;
            this.rnd = rnd;
            int nl = layers.size();
            mw = new double[nl][][];
            vw = new double[nl][][];
            gw = new double[nl][][];
            mb = new double[nl][];
            vb = new double[nl][];
            gb = new double[nl][];
            for (int l = 0; l < nl; l++) {
                mw[l] = new double[sizes[l + 1]][sizes[l]];
                vw[l] = new double[sizes[l + 1]][sizes[l]];
                gw[l] = new double[sizes[l + 1]][sizes[l]];
                mb[l] = new double[sizes[l + 1]];
                vb[l] = new double[sizes[l + 1]];
                gb[l] = new double[sizes[l + 1]];
            }
        }

        void run(List<double[]> x, List<Boolean> y, double wPos, double wNeg, int epochs) {
            int n = x.size();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            for (int e = 0; e < epochs; e++) {
                Batches.shuffle(order, rnd);
                for (int s = 0; s < n; s += BATCH) {
                    int end = Math.min(n, s + BATCH);
                    double wsum = 0;
                    for (int k = s; k < end; k++) {
                        wsum += y.get(order[k]) ? wPos : wNeg;
                    }
                    zeroGrads();
                    for (int k = s; k < end; k++) {
                        int i = order[k];
                        backprop(det.standardise(x.get(i)), y.get(i), (y.get(i) ? wPos : wNeg) / wsum);
                    }
                    adam();
                }
            }
        }

        void zeroGrads() {
            for (int l = 0; l < layers.size(); l++) {
                for (double[] r : gw[l]) {
                    java.util.Arrays.fill(r, 0);
                }
                java.util.Arrays.fill(gb[l], 0);
            }
        }

        void backprop(double[] x, boolean positive, double weight) {
            int nl = layers.size();
            double[][] acts = new double[nl + 1][];
            double[][] masks = new double[nl][];
            acts[0] = x;
            for (int l = 0; l < nl; l++) {
                double[] a = dense(layers.get(l), acts[l]);
                if (l < nl - 1) {
                    masks[l] = new double[a.length];
                    for (int i = 0; i < a.length; i++) {
                        boolean keep = rnd.nextDouble() >= DROPOUT;
                        masks[l][i] = a[i] > 0 && keep ? 1 / (1 - DROPOUT) : 0;
                        a[i] *= masks[l][i];
                    }
                }
                acts[l + 1] = a;
            }
            double[] p = softmax2(acts[nl]);
            double[] g = {weight * p[0] - (positive ? 0 : weight), weight * p[1] - (positive ? weight : 0)};
            for (int l = nl - 1; l >= 0; l--) {
                float[][] w = layers.get(l).weight();
                double[] in = acts[l];
                double[] gin = new double[in.length];
                for (int o = 0; o < g.length; o++) {
                    if (g[o] == 0) {
                        continue;
                    }
                    gb[l][o] += g[o];
                    double[] gwo = gw[l][o];
                    float[] wo = w[o];
                    for (int i = 0; i < in.length; i++) {
                        gwo[i] += g[o] * in[i];
                        gin[i] += g[o] * wo[i];
                    }
                }
                if (l > 0) {
                    for (int i = 0; i < gin.length; i++) {
                        gin[i] *= masks[l - 1][i];
                    }
                }
                g = gin;
            }
        }

        void adam() {
            t++;
            double c1 = 1 - Math.pow(B1, t);
            double c2 = 1 - Math.pow(B2, t);
            for (int l = 0; l < layers.size(); l++) {
                float[][] w = layers.get(l).weight();
                float[] b = layers.get(l).bias();
                for (int o = 0; o < w.length; o++) {
                    for (int i = 0; i < w[o].length; i++) {
                        w[o][i] -= (float) step(mw[l][o], vw[l][o], i, gw[l][o][i], c1, c2);
                    }
                    b[o] -= (float) step(mb[l], vb[l], o, gb[l][o], c1, c2);
                }
            }
        }

        static double step(double[] m, double[] v, int i, double g, double c1, double c2) {
            m[i] = B1 * m[i] + (1 - B1) * g;
            v[i] = B2 * v[i] + (1 - B2) * g * g;
            return LR * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
        }
    }
}

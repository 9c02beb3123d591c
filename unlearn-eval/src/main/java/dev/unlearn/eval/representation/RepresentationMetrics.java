package dev.unlearn.eval.representation;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.SuiteMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The representation metrics {@code representation_cka}, {@code representation_knn} and
 * {@code representation_ridge} (spec §5.3 [OURS]).
 *
 * <p>Scalar names: {@code cka_to_retrained/<dataset>/<layer>}, {@code cka_to_original/…},
 * {@code retrained_to_original/…}, {@code cka_gap/…} (= to_original − retrained_to_original), each
 * also with {@code /mean} over layers; probes report {@code knn_accuracy/<model>/<dataset>/<layer>} and
 * {@code ridge_accuracy/…} with TOFU author labels ({@link Probes#authorLabel}) and the
 * {@code pos % 5 == 4} test split.
 */
public final class RepresentationMetrics {
    /** The representation suite. */
    public static final String SUITE = "representation";

    private RepresentationMetrics() {}

    /** {@code representation_cka}. */
    public static final class CkaMetric extends SuiteMetric {
        /** Registry name. */
        public static final String NAME = "representation_cka";

        /** Linear CKA between the models' features. */
        public CkaMetric() {
            super(NAME, SUITE, RepresentationInputs.FEATURES);
        }

        @Override
        public List<Headline> headlines() {
            return List.of(Headline.column("cka_to_retain_mean", NAME, "cka_to_retrained/forget/mean", "cka_ret", 70,
                    Headline.Direction.HIGHER_IS_BETTER, Headline.Format.DECIMAL));
        }

        @Override
        public MetricResult evaluate(EvaluationContext c) {
            RepresentationInputs.Features f = c.require(RepresentationInputs.FEATURES);
            Optional<Integer> batch = c.find(RepresentationInputs.CKA_BATCH_SIZE);
            MetricResult.Builder b = MetricResult.builder(name());
            Map<String, Map<Integer, double[][]>> unlearned = f.features().get(RepresentationInputs.UNLEARNED);
            if (unlearned == null) {
                throw new InvalidInputException("representation_cka needs features of the 'unlearned' model");
            }
            for (String dataset : new TreeMap<>(unlearned).keySet()) {
                TreeMap<Integer, double[][]> layers = f.layers(RepresentationInputs.UNLEARNED, dataset);
                Curve toRetrained = new Curve();
                Curve toOriginal = new Curve();
                Curve retrainedToOriginal = new Curve();
                for (Map.Entry<Integer, double[][]> e : layers.entrySet()) {
                    int l = e.getKey();
                    Optional<double[][]> r = f.find(RepresentationInputs.RETRAINED, dataset, l);
                    Optional<double[][]> o = f.find(RepresentationInputs.ORIGINAL, dataset, l);
                    r.ifPresent(m -> toRetrained.put(l, cka(e.getValue(), m, batch)));
                    o.ifPresent(m -> toOriginal.put(l, cka(e.getValue(), m, batch)));
                    if (r.isPresent() && o.isPresent()) {
                        retrainedToOriginal.put(l, cka(r.get(), o.get(), batch));
                    }
                }
                toRetrained.emit(b, "cka_to_retrained/" + dataset);
                toOriginal.emit(b, "cka_to_original/" + dataset);
                retrainedToOriginal.emit(b, "retrained_to_original/" + dataset);
                Curve gap = new Curve();
                for (Integer l : retrainedToOriginal.values.keySet()) {
                    gap.put(l, toOriginal.values.get(l) - retrainedToOriginal.values.get(l));
                }
                gap.emit(b, "cka_gap/" + dataset);
            }
            return b.build();
        }

        private static double cka(double[][] a, double[][] b, Optional<Integer> batch) {
            return batch.isPresent() ? Cka.linearBatchMean(a, b, batch.get()) : Cka.linear(a, b);
        }
    }

    /** Per-layer values with a mean. */
    static final class Curve {
        final TreeMap<Integer, Double> values = new TreeMap<>();

        void put(int layer, double v) {
            values.put(layer, v);
        }

        void emit(MetricResult.Builder b, String prefix) {
            if (values.isEmpty()) {
                return;
            }
            double s = 0;
            for (Map.Entry<Integer, Double> e : values.entrySet()) {
                b.scalar(prefix + "/" + e.getKey(), e.getValue());
                s += e.getValue();
            }
            b.scalar(prefix + "/mean", s / values.size());
        }
    }

    /** Shared body of the two probes. */
    abstract static class ProbeMetric extends SuiteMetric {
        ProbeMetric(String name) {
            super(name, SUITE, RepresentationInputs.FEATURES);
        }

        @Override
        public int minRowsPerTask() {
            return Probes.MIN_ROWS;
        }

        abstract int[] predict(double[][] train, int[] labels, double[][] test);

        abstract String prefix();

        @Override
        public MetricResult evaluate(EvaluationContext c) {
            RepresentationInputs.Features f = c.require(RepresentationInputs.FEATURES);
            MetricResult.Builder b = MetricResult.builder(name());
            for (String model : new TreeMap<>(f.features()).keySet()) {
                for (String dataset : new TreeMap<>(f.features().get(model)).keySet()) {
                    Curve curve = new Curve();
                    for (Map.Entry<Integer, double[][]> e : f.layers(model, dataset).entrySet()) {
                        curve.put(e.getKey(), accuracy(e.getValue()));
                    }
                    curve.emit(b, prefix() + "/" + model + "/" + dataset);
                }
            }
            return b.build();
        }

        double accuracy(double[][] rows) {
            List<double[]> train = new ArrayList<>();
            List<double[]> test = new ArrayList<>();
            List<Integer> trainLabels = new ArrayList<>();
            List<Integer> testLabels = new ArrayList<>();
            for (int i = 0; i < rows.length; i++) {
                (Probes.isTestRow(i) ? test : train).add(rows[i]);
                (Probes.isTestRow(i) ? testLabels : trainLabels).add(Probes.authorLabel(i));
            }
            if (test.isEmpty() || train.isEmpty()) {
                throw new InvalidInputException("probe needs at least " + Probes.MIN_ROWS + " rows per author (TOFU blocks of 20), got "
                        + rows.length + " rows");
            }
            int[] pred = predict(train.toArray(new double[0][]), trainLabels.stream().mapToInt(Integer::intValue).toArray(),
                    test.toArray(new double[0][]));
            return Probes.accuracy(pred, testLabels.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** {@code representation_knn}: cosine 5-NN accuracy. */
    public static final class KnnMetric extends ProbeMetric {
        /** The {@code representation_knn} probe. */
        public KnnMetric() {
            super("representation_knn");
        }

        @Override
        String prefix() {
            return "knn_accuracy";
        }

        @Override
        int[] predict(double[][] train, int[] labels, double[][] test) {
            return Probes.knnPredict(train, labels, test, Probes.DEFAULT_K);
        }
    }

    /** {@code representation_ridge}: ridge classifier accuracy, λ = 1. */
    public static final class RidgeMetric extends ProbeMetric {
        /** The {@code representation_ridge} probe. */
        public RidgeMetric() {
            super("representation_ridge");
        }

        @Override
        String prefix() {
            return "ridge_accuracy";
        }

        @Override
        int[] predict(double[][] train, int[] labels, double[][] test) {
            return Probes.ridgePredict(Probes.fitRidge(train, labels, Probes.DEFAULT_LAMBDA), test);
        }
    }
}

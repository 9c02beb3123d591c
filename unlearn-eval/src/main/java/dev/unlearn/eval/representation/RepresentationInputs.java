package dev.unlearn.eval.representation;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.eval.spi.InputKey;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Input keys of the representation metrics and the hidden-state feature store they read.
 *
 * <p>Features follow spec §5.3: per model ({@code unlearned}, {@code retrained}, {@code original}),
 * dataset ({@code forget}, {@code retain}, {@code holdout}) and layer (0 = embedding output, the
 * number of decoder layers + 1 = after the final norm), an n×d matrix of answer-position mean-pooled
 * hidden states, one row per sample in dataset order.
 */
public final class RepresentationInputs {
    /** Model names. */
    public static final String UNLEARNED = "unlearned";
    /** Retrained (retain-only) model. */
    public static final String RETRAINED = "retrained";
    /** Original model before unlearning. */
    public static final String ORIGINAL = "original";

    /**
     * Hidden-state features: model → dataset → layer → n×d matrix.
     *
     * @param features the nested maps
     */
    public record Features(Map<String, Map<String, Map<Integer, double[][]>>> features) {
        public Features {
            features = Collections.unmodifiableMap(features);
        }

        /** The matrix of one model, dataset and layer, if present. */
        public Optional<double[][]> find(String model, String dataset, int layer) {
            return Optional.ofNullable(features.getOrDefault(model, Map.of()).getOrDefault(dataset, Map.of()).get(layer));
        }

        /** Layers of one model and dataset, sorted. */
        public TreeMap<Integer, double[][]> layers(String model, String dataset) {
            Map<Integer, double[][]> m = features.getOrDefault(model, Map.of()).get(dataset);
            if (m == null) {
                throw new InvalidInputException("no hidden-state features for model '" + model + "' on dataset '" + dataset + "'");
            }
            return new TreeMap<>(m);
        }
    }

    /** The feature store. */
    public static final InputKey<Features> FEATURES = InputKey.of("representation_features", Features.class);
    /** Batch size for UUEF-style batch-averaged CKA; absent means CKA on the full set. */
    public static final InputKey<Integer> CKA_BATCH_SIZE = InputKey.of("cka_batch_size", Integer.class);

    private RepresentationInputs() {}
}

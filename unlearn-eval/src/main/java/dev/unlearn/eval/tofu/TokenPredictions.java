package dev.unlearn.eval.tofu;

import dev.unlearn.core.InvalidInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-sample arg-max predictions and target ids at the §1.4 positions (answer tokens, EOS excluded),
 * keyed by sample key.
 */
public final class TokenPredictions {
    private final Map<String, int[]> predictions;
    private final Map<String, int[]> labels;

    /**
     * @param predictions sample key → arg-max of {@code log_softmax(z_{t−1})} at each scored position
     * @param labels sample key → target ids at the same positions
     */
    public TokenPredictions(Map<String, int[]> predictions, Map<String, int[]> labels) {
        if (!predictions.keySet().equals(labels.keySet())) {
            throw new InvalidInputException("token predictions and labels cover different sample keys");
        }
        this.predictions = Collections.unmodifiableMap(new LinkedHashMap<>(predictions));
        this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** Predictions by sample key. */
    public Map<String, int[]> predictions() {
        return predictions;
    }

    /** Labels by sample key. */
    public Map<String, int[]> labels() {
        return labels;
    }
}

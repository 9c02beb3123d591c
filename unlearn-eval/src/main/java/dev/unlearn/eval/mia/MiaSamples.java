package dev.unlearn.eval.mia;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Samples of one MIA set by sample key, in dataset order.
 *
 * @param samples key → sample
 */
public record MiaSamples(Map<String, MiaSample> samples) {
    public MiaSamples {
        samples = Collections.unmodifiableMap(new LinkedHashMap<>(samples));
    }
}

package dev.unlearn.methods.spi;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A step's scalar loss (to back-propagate) plus its named terms for progress reports
 * ({@code forget}, {@code retain}, {@code pd}, …). All arrays live in the step's manager; read the
 * terms as Java numbers with {@link #termValues()} before the step closes.
 *
 * @param total the scalar that core's loop differentiates
 * @param terms named scalar terms, in insertion order
 */
public record StepLoss(NDArray total, Map<String, NDArray> terms) {
    public StepLoss {
        Objects.requireNonNull(total, "total");
        terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    /** Terms as doubles (forces the computation). */
    public Map<String, Double> termValues() {
        Map<String, Double> out = new LinkedHashMap<>();
        terms.forEach((k, v) -> out.put(k, v.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble()));
        return out;
    }

    /** Returns a copy with one more term. */
    public StepLoss withTotal(NDArray newTotal, String term, NDArray value) {
        Map<String, NDArray> t = new LinkedHashMap<>(terms);
        t.put(term, value);
        return new StepLoss(newTotal, t);
    }
}

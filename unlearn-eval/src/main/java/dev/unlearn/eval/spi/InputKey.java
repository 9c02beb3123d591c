package dev.unlearn.eval.spi;

import java.util.Objects;

/**
 * Typed name of one input in an {@link EvaluationContext}: e.g. the forget-split TOFU log of the model
 * under test, or the MIA samples of the holdout set.
 *
 * @param name stable snake-case name, unique within a run
 * @param type the Java type of the value
 * @param <T> the value type
 */
public record InputKey<T>(String name, Class<T> type) {
    public InputKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /** Creates a key. */
    public static <T> InputKey<T> of(String name, Class<T> type) {
        return new InputKey<>(name, type);
    }
}

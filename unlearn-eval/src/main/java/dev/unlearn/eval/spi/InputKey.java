package dev.unlearn.eval.spi;

import java.util.Objects;
import java.util.function.Function;

/**
 * Typed name of one input in an {@link EvaluationContext}: e.g. the forget-split TOFU log of the model
 * under test, or the MIA samples of the holdout set.
 *
 * <p>A key may carry its own computation ({@link #derived}): a metric that needs a new input declares
 * the key next to itself, computed from other inputs (the model's runner and the data splits are
 * inputs too, see {@code dev.unlearn.eval.model.ModelInputs}), and the context computes it once per
 * model the first time any metric asks and shares the value. Keys are equal by name and type only.
 *
 * @param name stable snake-case name, unique within a run
 * @param type the Java type of the value
 * @param derivation how to compute the value from other inputs, or null when a provider or a
 *     {@code put} supplies it
 * @param <T> the value type
 */
public record InputKey<T>(String name, Class<T> type, Function<EvaluationContext, T> derivation) {
    public InputKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /** Creates a key supplied by a provider or put into the context. */
    public static <T> InputKey<T> of(String name, Class<T> type) {
        return new InputKey<>(name, type, null);
    }

    /**
     * Creates a key that computes itself from other inputs of the context; the computation may return
     * null when the input is not available (e.g. it needs a retain model that was not given).
     */
    public static <T> InputKey<T> derived(String name, Class<T> type, Function<EvaluationContext, T> derivation) {
        return new InputKey<>(name, type, Objects.requireNonNull(derivation, "derivation"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputKey<?> k && k.name.equals(name) && k.type.equals(type);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + type.hashCode();
    }

    @Override
    public String toString() {
        return "InputKey[" + name + ": " + type.getSimpleName() + "]";
    }
}

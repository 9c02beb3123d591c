package dev.unlearn.methods.toy;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.MethodConfig;

/**
 * Keys of the test-only {@code toy-idk} method.
 *
 * @param answer the alternate answer every forget question is trained towards
 * @param weight the loss weight, ≥ 0
 */
public record ToyIdkConfig(String answer, double weight) implements MethodConfig {
    public ToyIdkConfig {
        if (answer == null || answer.isBlank()) {
            throw new InvalidInputException("Config key 'answer' must not be blank.");
        }
        if (!(weight >= 0)) {
            throw new InvalidInputException("Config key 'weight' must be ≥ 0, found " + weight + ".");
        }
    }

    public static ToyIdkConfig defaults() {
        return new ToyIdkConfig("I don't know.", 1.0);
    }
}

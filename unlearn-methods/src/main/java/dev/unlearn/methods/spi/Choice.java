package dev.unlearn.methods.spi;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A recipe key whose value is one constant of an enum, written as its {@link #label()}: the constant's
 * name in lower case with {@code -} for {@code _} ({@code RANDOM_BINARY} ↔ {@code random-binary}). The
 * enum reads a label back with {@link ConfigChecks#choice(String, String, Class)} in its
 * {@code @JsonCreator}, which names the key and the valid labels on a bad value.
 */
public interface Choice {
    /** The enum constant's name. */
    String name();

    /** The value as a recipe writes it. */
    @JsonValue
    default String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

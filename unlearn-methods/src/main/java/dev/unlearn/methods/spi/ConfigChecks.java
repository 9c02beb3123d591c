package dev.unlearn.methods.spi;

import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Value checks shared by config records (methods.md §1.5); every message names the recipe key. */
public final class ConfigChecks {
    private ConfigChecks() {}

    /** Rejects {@code v ≤ 0} and non-finite values. */
    public static double positive(String key, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new InvalidInputException("Config key '" + key + "' must be > 0 and finite, found " + v + ".");
        }
        return v;
    }

    /** Rejects {@code v < 0} and non-finite values. */
    public static double nonNegative(String key, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new InvalidInputException("Config key '" + key + "' must be ≥ 0 and finite, found " + v + ".");
        }
        return v;
    }

    /** Rejects integers below {@code min}. */
    public static int atLeast(String key, int v, int min) {
        if (v < min) {
            throw new InvalidInputException("Config key '" + key + "' must be ≥ " + min + ", found " + v + ".");
        }
        return v;
    }

    /** Rejects values outside {@code (0, 1]}. */
    public static double fraction(String key, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new InvalidInputException("Config key '" + key + "' must be in (0, 1], found " + v + ".");
        }
        return v;
    }

    /**
     * Parses a named choice case-insensitively against its labels (and extra aliases), or fails naming
     * {@code key} and listing the valid ones.
     */
    public static <E extends Enum<E>> E choice(String key, String value, Class<E> type, Labelled<E> label) {
        try {
            return choice(value, type, label);
        } catch (UnknownChoice ex) {
            throw new InvalidInputException("Config key '" + key + "': " + ex.getMessage());
        }
    }

    /**
     * {@link #choice(String, String, Class, Labelled)} for a choice that several keys take (the Jackson creator
     * of a shared enum, which does not know the key): it fails with an {@link UnknownChoice}, to which
     * {@link ConfigBinder} adds the key path.
     */
    public static <E extends Enum<E>> E choice(String value, Class<E> type, Labelled<E> label) {
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            for (E e : type.getEnumConstants()) {
                for (String l : label.labels(e)) {
                    if (l.toLowerCase(Locale.ROOT).equals(v)) {
                        return e;
                    }
                }
            }
        }
        List<String> valid = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            valid.add(label.labels(e).get(0));
        }
        throw new UnknownChoice("unknown value '" + value + "'; valid values: " + String.join(", ", valid) + ".");
    }

    /** A value that is none of a choice's labels; the message lists the valid ones but not the key. */
    public static final class UnknownChoice extends InvalidInputException {
        UnknownChoice(String message) {
            super(message);
        }
    }

    /** Labels of an enum constant; the first is canonical, the rest are accepted aliases. */
    @FunctionalInterface
    public interface Labelled<E> {
        List<String> labels(E e);
    }
}

package dev.unlearn.core.testing;

import java.util.Locale;

/**
 * Prints a trained value next to the acceptance bound it is checked against, one {@code BOUND} line per
 * check, so that the spread over fixture seeds ({@code -Dunlearn.tinyworld.seed}) can be collected from
 * the test output (docs/test-bounds.md). Records only; the tests still assert.
 */
public final class Bounds {
    private Bounds() {}

    /** Prints {@code BOUND seed=<fixture seed> <id> <value> <relation> <bound>} and returns the value. */
    public static double record(String id, double value, String relation, double bound) {
        System.out.println(String.format(Locale.ROOT, "BOUND seed=%d %s %.6g %s %.6g", TinyWorld.seed(), id, value,
                relation, bound));
        return value;
    }
}

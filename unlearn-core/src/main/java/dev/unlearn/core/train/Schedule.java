package dev.unlearn.core.train;

/**
 * Learning-rate schedules, as Hugging Face's {@code get_*_schedule_with_warmup} define them: for
 * optimizer step {@code s} (0-based) the factor is {@code s / warmup} while {@code s < warmup} (so the
 * very first update of a warm-up has rate 0, as in the reference), then
 * <ul>
 *   <li>{@code CONSTANT}: 1;</li>
 *   <li>{@code LINEAR}: {@code max(0, (total - s) / (total - warmup))};</li>
 *   <li>{@code COSINE}: {@code max(0, 0.5 (1 + cos(π (s - warmup) / (total - warmup))))}.</li>
 * </ul>
 */
public enum Schedule {
    CONSTANT, LINEAR, COSINE;

    /** Parses {@code constant}, {@code linear} or {@code cosine} (any case). */
    public static Schedule byName(String name) {
        for (Schedule s : values()) {
            if (s.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return s;
            }
        }
        throw new dev.unlearn.core.InvalidInputException("unknown schedule '" + name + "'; valid: constant, linear, cosine");
    }

    /** Multiplier of the base learning rate at step {@code s} of {@code total} with {@code warmup} steps. */
    public double factor(long s, long total, long warmup) {
        if (s < warmup) {
            return (double) s / Math.max(1, warmup);
        }
        double rest = Math.max(1, total - warmup);
        return switch (this) {
            case CONSTANT -> 1.0;
            case LINEAR -> Math.max(0.0, (total - s) / rest);
            case COSINE -> Math.max(0.0, 0.5 * (1 + Math.cos(Math.PI * (s - warmup) / rest)));
        };
    }
}

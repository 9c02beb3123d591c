package dev.unlearn.methods.loss;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.unlearn.methods.spi.ConfigChecks;
import java.util.List;
import java.util.Locale;

/**
 * Which positions a per-position loss averages over: the value of recipe key {@code kl_positions}
 * (methods.md §1.2: the rows of the KL retain loss) and of {@code undial}'s {@code positions} (the
 * distillation loss). A bad value is reported under the key it was given for ({@link ConfigChecks#choice(String, Class,
 * ConfigChecks.Labelled)}).
 */
public enum LossPositions {
    /**
     * [REF OU] every position: for the KL retain loss all {@code B·T} rows, padding and the last position
     * included; for UNDIAL all {@code B·(T−1)} shifted positions (prompt and padding too; the teacher is
     * adjusted on answer positions only).
     */
    ALL,
    /** [OURS; for UNDIAL the paper's forget tokens] only the positions that predict an answer token (the set A of §0). */
    ANSWER;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static LossPositions parse(String s) {
        return ConfigChecks.choice(s, LossPositions.class, e -> List.of(e.label()));
    }
}

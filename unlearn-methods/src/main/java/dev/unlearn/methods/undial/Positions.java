package dev.unlearn.methods.undial;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.unlearn.methods.spi.ConfigChecks;
import java.util.List;
import java.util.Locale;

/** Recipe key {@code positions} of {@code undial}: which positions the distillation loss averages over. */
public enum Positions {
    /** [REF OU] all {@code B·(T−1)} shifted positions (prompt and padding too); the teacher is adjusted on answer positions only. */
    ALL,
    /** [OURS, the paper's forget tokens] only the positions predicting an answer token (set A). */
    ANSWER;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Positions parse(String s) {
        return ConfigChecks.choice("positions", s, Positions.class, e -> List.of(e.label()));
    }
}

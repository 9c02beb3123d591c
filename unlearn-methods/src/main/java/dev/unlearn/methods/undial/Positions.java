package dev.unlearn.methods.undial;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.unlearn.methods.spi.Choice;
import dev.unlearn.methods.spi.ConfigChecks;

/** Recipe key {@code positions} of {@code undial}: which positions the distillation loss averages over. */
public enum Positions implements Choice {
    /** [REF OU] all {@code B·(T−1)} shifted positions (prompt and padding too); the teacher is adjusted on answer positions only. */
    ALL,
    /** [OURS, the paper's forget tokens] only the positions predicting an answer token (set A). */
    ANSWER;

    @JsonCreator
    public static Positions parse(String s) {
        return ConfigChecks.choice("positions", s, Positions.class);
    }
}

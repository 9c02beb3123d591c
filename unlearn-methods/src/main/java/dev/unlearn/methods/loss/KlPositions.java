package dev.unlearn.methods.loss;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.unlearn.methods.spi.Choice;
import dev.unlearn.methods.spi.ConfigChecks;

/** Recipe key {@code kl_positions} (methods.md §1.2): which rows the KL retain loss averages over. */
public enum KlPositions implements Choice {
    /** [REF OU] every one of the {@code B·T} rows, padding and the last position included. */
    ALL,
    /** [OURS] only the rows that predict an answer token (the set A of §0). */
    ANSWER;

    @JsonCreator
    public static KlPositions parse(String s) {
        return ConfigChecks.choice("kl_positions", s, KlPositions.class);
    }
}

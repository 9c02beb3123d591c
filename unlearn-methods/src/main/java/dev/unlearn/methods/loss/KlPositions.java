package dev.unlearn.methods.loss;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.unlearn.methods.spi.ConfigChecks;
import java.util.List;
import java.util.Locale;

/** Recipe key {@code kl_positions} (methods.md §1.2): which rows the KL retain loss averages over. */
public enum KlPositions {
    /** [REF OU] every one of the {@code B·T} rows, padding and the last position included. */
    ALL,
    /** [OURS] only the rows that predict an answer token (the set A of §0). */
    ANSWER;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static KlPositions parse(String s) {
        return ConfigChecks.choice("kl_positions", s, KlPositions.class, e -> List.of(e.label()));
    }
}

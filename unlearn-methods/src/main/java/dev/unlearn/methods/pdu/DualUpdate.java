package dev.unlearn.methods.pdu;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.unlearn.methods.spi.ConfigChecks;
import java.util.List;
import java.util.Locale;

/** Recipe key {@code dual_update_upon} of {@code pdu}: when the dual variable λ moves. */
public enum DualUpdate {
    /** After every loss evaluation (micro-batch), with that step's retain loss. */
    STEP,
    /** After every epoch, with the mean retain loss over the epoch's retain batches under the current model. */
    EPOCH;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static DualUpdate parse(String s) {
        return ConfigChecks.choice("dual_update_upon", s, DualUpdate.class, e -> List.of(e.label()));
    }
}

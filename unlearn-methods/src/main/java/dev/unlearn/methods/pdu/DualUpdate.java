package dev.unlearn.methods.pdu;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.unlearn.methods.spi.Choice;
import dev.unlearn.methods.spi.ConfigChecks;

/** Recipe key {@code dual_update_upon} of {@code pdu}: when the dual variable λ moves. */
public enum DualUpdate implements Choice {
    /** After every loss evaluation (micro-batch), with that step's retain loss. */
    STEP,
    /** After every epoch, with the mean retain loss over the epoch's retain batches under the current model. */
    EPOCH;

    @JsonCreator
    public static DualUpdate parse(String s) {
        return ConfigChecks.choice("dual_update_upon", s, DualUpdate.class);
    }
}

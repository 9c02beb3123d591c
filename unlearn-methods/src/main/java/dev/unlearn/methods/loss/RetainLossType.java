package dev.unlearn.methods.loss;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.unlearn.methods.spi.ConfigChecks;
import java.util.List;

/** Recipe key {@code retain_loss_type} (methods.md §1.2): {@code NLL} (default) or {@code KL}. */
public enum RetainLossType {
    /** {@code NLL_pool} of the retain batch under π_θ. */
    NLL,
    /** {@code KL(π_ref ‖ π_θ)} of the next-token distributions; needs π_ref. */
    KL;

    @JsonValue
    public String label() {
        return name();
    }

    @JsonCreator
    public static RetainLossType parse(String s) {
        return ConfigChecks.choice("retain_loss_type", s, RetainLossType.class, e -> List.of(e.name()));
    }
}

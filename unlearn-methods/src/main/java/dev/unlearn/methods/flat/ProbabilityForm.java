package dev.unlearn.methods.flat;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.unlearn.methods.spi.ConfigChecks;
import java.util.List;
import java.util.Locale;

/** Recipe key {@code probability} of FLAT (methods.md §5.2). */
public enum ProbabilityForm {
    /** [REF] one scalar per batch: Σ token probabilities / (B·(pad_length − 1)). */
    REFERENCE,
    /** [OURS, UNCONFIRMED paper reading] mean token probability per sample, loss averaged over samples. */
    PER_SAMPLE;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static ProbabilityForm parse(String s) {
        return ConfigChecks.choice("probability", s, ProbabilityForm.class, e -> List.of(e.label()));
    }
}

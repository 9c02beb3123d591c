package dev.unlearn.methods.flat;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.unlearn.methods.spi.Choice;
import dev.unlearn.methods.spi.ConfigChecks;

/** Recipe key {@code probability} of FLAT (methods.md §5.2). */
public enum ProbabilityForm implements Choice {
    /** [REF] one scalar per batch: Σ token probabilities / (B·(pad_length − 1)). */
    REFERENCE,
    /** [OURS, UNCONFIRMED paper reading] mean token probability per sample, loss averaged over samples. */
    PER_SAMPLE;

    @JsonCreator
    public static ProbabilityForm parse(String s) {
        return ConfigChecks.choice("probability", s, ProbabilityForm.class);
    }
}

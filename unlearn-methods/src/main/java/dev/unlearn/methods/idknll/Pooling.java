package dev.unlearn.methods.idknll;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.unlearn.methods.spi.ConfigChecks;
import java.util.List;
import java.util.Locale;

/** Recipe key {@code pooling} of {@code idknll}: how the refusal and retain token NLLs are averaged. */
public enum Pooling {
    /** [REF TOFU {@code loss_type: idk}] one token mean over the concatenated refusal and retain batches. */
    JOINT,
    /** [OURS, OU's two-term style] {@code γ·NLL_pool(refusals) + α·NLL_pool(retain)}. */
    SEPARATE;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Pooling parse(String s) {
        return ConfigChecks.choice("pooling", s, Pooling.class, e -> List.of(e.label()));
    }
}

package dev.unlearn.eval.refusal;

import dev.unlearn.eval.spi.InputKey;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Input keys of the refusal metrics. */
public final class RefusalInputs {
    /**
     * Greedy responses (OU semantics, 200 new tokens) per prompt set ({@code forget}, {@code retain},
     * {@code real_authors}, {@code world_facts}, …): set → sample key → response.
     */
    public record Responses(Map<String, Map<String, String>> sets) {
        public Responses {
            sets = Collections.unmodifiableMap(new LinkedHashMap<>(sets));
        }
    }

    /** Responses per prompt set. */
    public static final InputKey<Responses> RESPONSES = InputKey.of("refusal_responses", Responses.class);
    /** Responses to the safe prompts of SARR (default: retain-split questions), by sample key. */
    public static final InputKey<Responses> SAFE_RESPONSES = InputKey.of("refusal_safe_responses", Responses.class);
    /** Path of {@code tofu-idontknow.jsonl}. */
    public static final InputKey<Path> IDK_TEMPLATES = InputKey.of("refusal_idk_templates", Path.class);
    /** Detector name; default {@value RefusalDetector#DEFAULT}. */
    public static final InputKey<String> DETECTOR = InputKey.of("refusal_detector", String.class);

    private RefusalInputs() {}
}

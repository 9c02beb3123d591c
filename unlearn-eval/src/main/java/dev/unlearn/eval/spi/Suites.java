package dev.unlearn.eval.spi;

import dev.unlearn.core.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named metric suites ({@code tofu}, {@code muse}, {@code mia}, {@code representation},
 * {@code refusal}) as ordered lists of registered metric names.
 */
public final class Suites {
    private static final Map<String, List<String>> SUITES = new LinkedHashMap<>();

    static {
        SUITES.put("tofu", List.of("tofu_rouge", "tofu_probability", "tofu_truth_ratio", "tofu_model_utility",
                "tofu_forget_quality", "tofu_exact_memorization", "tofu_extraction_strength"));
        SUITES.put("muse", List.of("muse_verbmem", "muse_knowmem", "muse_privleak"));
        SUITES.put("mia", List.of("mia_loss", "mia_zlib", "mia_min_k", "mia_min_k_plus_plus", "mia_gradnorm", "mia_reference"));
        SUITES.put("representation", List.of("representation_cka", "representation_knn", "representation_ridge"));
        SUITES.put("refusal", List.of("refusal_rate", "refusal_sarr"));
    }

    private Suites() {}

    /** Suite names, in a fixed order. */
    public static List<String> names() {
        return List.copyOf(SUITES.keySet());
    }

    /** The metric names of a suite. */
    public static List<String> metrics(String suite) {
        List<String> m = SUITES.get(suite);
        if (m == null) {
            throw new InvalidInputException("unknown evaluation suite '" + suite + "'; known suites: " + SUITES.keySet());
        }
        return m;
    }
}

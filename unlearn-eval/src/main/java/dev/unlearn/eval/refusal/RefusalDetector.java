package dev.unlearn.eval.refusal;

import dev.unlearn.core.InvalidInputException;
import java.nio.file.Path;

/**
 * Decides whether one model response is a refusal.
 *
 * <p>Built-in detectors (spec §6.1): {@code gcg-prefixes} ({@link GcgPrefixes}), {@code tofu-idk}
 * ({@link TofuIdk}) and {@code combined} (either; the default for unlearning reports). Labels from an
 * external judge (e.g. SORRY-Bench's) can be supplied as a detector too.
 */
public interface RefusalDetector {
    /** Detector name. */
    String name();

    /** Whether the response counts as a refusal. */
    boolean isRefusal(String response);

    /** Name of the default detector. */
    String DEFAULT = "combined";

    /**
     * A built-in detector by name.
     *
     * @param name {@code gcg-prefixes}, {@code tofu-idk} or {@code combined}
     * @param idkTemplates path of {@code tofu-idontknow.jsonl} (needed by {@code tofu-idk} and {@code combined})
     */
    static RefusalDetector byName(String name, Path idkTemplates) {
        return switch (name) {
            case "gcg-prefixes" -> GcgPrefixes.INSTANCE;
            case "tofu-idk" -> TofuIdk.load(idkTemplates);
            case "combined" -> either("combined", GcgPrefixes.INSTANCE, TofuIdk.load(idkTemplates));
            default -> throw new InvalidInputException("unknown refusal detector '" + name + "'; use gcg-prefixes, tofu-idk or combined");
        };
    }

    /** A detector that fires when any of the given ones fires. */
    static RefusalDetector either(String name, RefusalDetector... detectors) {
        return new RefusalDetector() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean isRefusal(String response) {
                for (RefusalDetector d : detectors) {
                    if (d.isRefusal(response)) {
                        return true;
                    }
                }
                return false;
            }
        };
    }
}

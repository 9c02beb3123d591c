package dev.unlearn.methods.ssd;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.MethodConfig;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Keys of {@code ssd} (methods.md §6.3, §6.4).
 *
 * @param selectionWeighting α, default 10 (SSD-repo ResNet18); select where {@code I_f > α·I_D}
 * @param dampeningConstant λ, default 1.0 (SSD-repo)
 * @param exponent e, default 1.0, applied before the clamp
 * @param lowerBound b, default 1.0 (the clamp only prevents growth)
 * @param importanceBatchSize batch size of both importance passes, default 8 [OURS]; must be equal for both
 * @param sampleFraction fraction of D used for {@code I_D}, default 1.0
 * @param include parameter-name regexes to edit (empty = all parameters)
 * @param exclude parameter-name regexes never edited
 */
public record SsdConfig(double selectionWeighting, double dampeningConstant, double exponent, double lowerBound,
        int importanceBatchSize, double sampleFraction, List<String> include, List<String> exclude)
        implements MethodConfig {
    public SsdConfig {
        ConfigChecks.positive("selection_weighting", selectionWeighting);
        ConfigChecks.positive("dampening_constant", dampeningConstant);
        ConfigChecks.positive("exponent", exponent);
        ConfigChecks.positive("lower_bound", lowerBound);
        ConfigChecks.atLeast("importance_batch_size", importanceBatchSize, 1);
        ConfigChecks.fraction("sample_fraction", sampleFraction);
        include = List.copyOf(include == null ? List.of() : include);
        exclude = List.copyOf(exclude == null ? List.of() : exclude);
        compileAll("include", include);
        compileAll("exclude", exclude);
    }

    public static SsdConfig defaults() {
        return new SsdConfig(10, 1, 1, 1, 8, 1.0, List.of(), List.of());
    }

    /** SSD computes the full-set importance over D = D_f ∪ D_r, so it needs the retain set. */
    @Override
    public boolean needsRetain() {
        return true;
    }

    @Override
    public String retainReason() {
        return "the full-set importance I_D runs over D = retain then forget (methods.md §6.4)";
    }

    /** Whether the named tensor is edited (matches an include pattern, or there are none, and no exclude). */
    public boolean edits(String name) {
        boolean in = include.isEmpty() || include.stream().anyMatch(p -> Pattern.compile(p).matcher(name).find());
        return in && exclude.stream().noneMatch(p -> Pattern.compile(p).matcher(name).find());
    }

    private static void compileAll(String key, List<String> patterns) {
        for (String p : patterns) {
            try {
                Pattern.compile(p);
            } catch (PatternSyntaxException ex) {
                throw new InvalidInputException("Config key '" + key + "': '" + p + "' is not a valid regular expression: "
                        + ex.getDescription() + ".");
            }
        }
    }
}

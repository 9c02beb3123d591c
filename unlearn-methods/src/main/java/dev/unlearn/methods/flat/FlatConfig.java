package dev.unlearn.methods.flat;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.MethodConfig;

/**
 * Keys of {@code flat} (methods.md §5.5).
 *
 * @param divergence default {@code total-variation} (FLAT-repo {@code config/forget.yaml}); code spellings accepted
 * @param probability {@code reference} (default) or {@code per-sample}
 * @param padLength the reference's fixed padded length, default 500; the reference form divides by
 *     {@code B·(pad_length − 1)}, never by the dynamic batch width
 * @param templates template-answer source, default {@code tofu-idontknow} (TOFU {@code data/idontknow.jsonl},
 *     100 lines, SHA-256 {@code eb9a1e32…5fd605}); a file path otherwise. Resolved by the runner.
 * @param templateSampling {@code uniform-per-fetch} (the only value: a fresh uniform draw per fetch)
 * @param referenceQuirks use FLAT-repo's coded forms for reverse-kl, squared-hellinger, neyman (default false)
 */
public record FlatConfig(Divergence divergence, ProbabilityForm probability, int padLength, String templates,
        String templateSampling, boolean referenceQuirks) implements MethodConfig {
    /** The default template source name. */
    public static final String TOFU_TEMPLATES = dev.unlearn.methods.spi.TemplateFile.TOFU_TEMPLATES;

    public FlatConfig {
        divergence = divergence == null ? Divergence.TOTAL_VARIATION : divergence;
        probability = probability == null ? ProbabilityForm.REFERENCE : probability;
        ConfigChecks.atLeast("pad_length", padLength, 2);
        if (templates == null || templates.isBlank()) {
            throw new InvalidInputException("Config key 'templates' is missing: FLAT needs template answers (use '"
                    + TOFU_TEMPLATES + "' or a file of one template per line).");
        }
        templateSampling = templateSampling == null ? "uniform-per-fetch" : templateSampling;
        if (!templateSampling.equals("uniform-per-fetch")) {
            throw new InvalidInputException("Config key 'template_sampling': unknown value '" + templateSampling
                    + "'; valid values: uniform-per-fetch.");
        }
    }

    public static FlatConfig defaults() {
        return new FlatConfig(Divergence.TOTAL_VARIATION, ProbabilityForm.REFERENCE, 500, TOFU_TEMPLATES,
                "uniform-per-fetch", false);
    }

    @Override
    public boolean needsTemplates() {
        return true;
    }
}

package dev.unlearn.methods.guard;

import dev.unlearn.methods.spi.DecodingFilters;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.MethodPlan;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code guard}: generation-time unlearning (methods.md §9). Not a loss: {@link GuardFilterBuilder} turns
 * the model and the forget/retain data into a {@link GuardFilter} file next to the unchanged model, and
 * {@link Guard} applies it while decoding (core's {@code BeamSearch}, {@code SequenceFilter},
 * {@code SemanticFilter}). The math and test vectors sit in {@link GuardMath},
 * and {@link ForbiddenPhrases}. Its plan is {@link DecodingFilters}: build the filter file; generation
 * applies it ({@code unlearn generate --guard}, the recipe runner's evaluation).
 */
public final class GuardMethod implements UnlearningMethod<GuardConfig> {
    @Override
    public String name() {
        return "guard";
    }

    @Override
    public String description() {
        return "GUARD: detect forget-target prompts and block forbidden phrases during beam search (weights untouched).";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.GENERATION_TIME;
    }

    @Override
    public Class<GuardConfig> configClass() {
        return GuardConfig.class;
    }

    @Override
    public GuardConfig defaults() {
        return GuardConfig.defaults();
    }

    /** The refusal used when a plan is built without a refusal file. */
    public static final String DEFAULT_REFUSAL = "I don't know.";

    /**
     * Builds the filter from the forget records and the retain questions as detector negatives (with
     * paraphrases, refusal {@value #DEFAULT_REFUSAL}); the weights are left as they are.
     */
    @Override
    public DecodingFilters plan(GuardConfig config, MethodContext<?> context, ModelInfo model) {
        return (in, out) -> {
            GuardFilter filter = GuardFilterBuilder.build(in.model(), in.tokenizer(), in.template(), config,
                    new GuardFilterBuilder.Inputs(in.forget(), in.retain(), DEFAULT_REFUSAL, true, in.seed()), null);
            filter.write(out);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("forget_samples", filter.samples().size());
            r.put("forbidden_sequences", filter.samples().stream().mapToInt(s -> s.forbiddenSequences().size()).sum());
            r.put("semantic_threshold", filter.semanticThreshold());
            r.put("detector_accuracy", filter.detector().heldOut().accuracy());
            return new DecodingFilters.Report(r);
        };
    }
}

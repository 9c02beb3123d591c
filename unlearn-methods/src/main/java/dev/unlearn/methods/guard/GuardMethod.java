package dev.unlearn.methods.guard;

import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.UnlearningMethod;

/**
 * {@code guard}: generation-time unlearning (methods.md §9). Not a loss: {@link GuardFilterBuilder} turns
 * the model and the forget/retain data into a {@link GuardFilter} file next to the unchanged model, and
 * {@link Guard} applies it while decoding (core's {@code BeamSearch}, {@code SequenceFilter},
 * {@code SemanticFilter}). The math and test vectors sit in {@link GuardMath},
 * {@link RestrictedBeamSearch} and {@link ForbiddenPhrases}.
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
}

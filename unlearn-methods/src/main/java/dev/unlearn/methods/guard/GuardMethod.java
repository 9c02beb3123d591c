package dev.unlearn.methods.guard;

import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.UnlearningMethod;

/**
 * {@code guard}: generation-time unlearning (methods.md §9). This module holds its config and math
 * ({@link GuardMath}, {@link RestrictedBeamSearch}, {@link ForbiddenPhrases}); the filter-file builder,
 * the detector training and core's {@code LogitsProcessor} wiring are still to come.
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

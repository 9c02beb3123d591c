package dev.unlearn.methods.spi;

import java.util.List;
import java.util.Map;

/**
 * An unlearning method, discovered with {@link java.util.ServiceLoader} (register the class in
 * {@code META-INF/services/dev.unlearn.methods.spi.UnlearningMethod}) and looked up by its stable
 * lowercase {@link #name()} through {@link Methods#byName(String)}.
 *
 * <p>Each method owns an immutable config record {@code C} whose defaults come from
 * {@code specs/methods.md}. Loss-based methods return a {@link LossMethod} for core's training loop;
 * direct edits and generation-time methods expose their own entry points in their packages.
 *
 * @param <C> the config record type
 */
public interface UnlearningMethod<C extends MethodConfig> {
    /** Stable lowercase registry name ({@code npo}). */
    String name();

    /** One sentence for {@code --help} and reports. */
    String description();

    /** How the method acts on the model. */
    MethodKind kind();

    /** The config record type. */
    Class<C> configClass();

    /** The defaults of methods.md. */
    C defaults();

    /** Binds a recipe section (snake_case keys) over the defaults; unknown keys are rejected. */
    default C bind(Map<String, ?> values) {
        return ConfigBinder.bind(name(), configClass(), defaults(), values);
    }

    /** Binds a recipe section with {@code key=value} overrides applied on top. */
    default C bind(Map<String, ?> values, List<String> overrides) {
        return bind(ConfigBinder.withOverrides(values, overrides));
    }

    /**
     * Checks the data and model against the config before a run (methods.md §1.5): non-empty forget set,
     * no forget/retain overlap, a retain set when the config needs one, a reference model when needed.
     * Methods add their own checks (RMU layer range, FLAT templates).
     */
    default void check(C config, MethodContext<?> context, ModelInfo model) {
        DataChecks.checkCommon(name(), config, context);
    }

    /**
     * The per-step loss for core's training loop. Only {@link MethodKind#LOSS_BASED} methods implement it.
     *
     * @param model shape facts some losses need (RMU's hidden size and layer count)
     */
    default LossMethod lossMethod(C config, MethodContext<?> context, ModelInfo model) {
        throw new UnsupportedOperationException("method '" + name() + "' is " + kind() + ", not loss-based");
    }
}

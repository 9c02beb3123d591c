package dev.unlearn.methods.spi;

import java.util.List;
import java.util.Map;

/**
 * An unlearning method, discovered with {@link java.util.ServiceLoader} (register the class in
 * {@code META-INF/services/dev.unlearn.methods.spi.UnlearningMethod}) and looked up by its stable
 * lowercase {@link #name()} through {@link Methods#byName(String)}.
 *
 * <p>Each method owns an immutable config record {@code C} whose defaults come from
 * {@code specs/methods.md}. Every method returns one {@link MethodPlan} from {@link #plan}: a
 * {@link LossPlan} (a {@link LossMethod} plus the hooks the runner provides), a {@link DirectEdit} or
 * {@link DecodingFilters}. A loss-based method usually implements {@link #lossMethod} only; the default
 * plan wraps it, with the reference model resident when the config needs it. See docs/add-a-method.md.
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
        if (config.needsTemplates()) {
            DataChecks.requireAnswers(name(), TemplateFile.answers(name(), config.templates(), context));
        }
    }

    /**
     * The per-step loss for core's training loop. Only {@link MethodKind#LOSS_BASED} methods implement it.
     *
     * @param model shape facts some losses need (RMU's hidden size and layer count)
     */
    default LossMethod lossMethod(C config, MethodContext<?> context, ModelInfo model) {
        throw new UnsupportedOperationException("method '" + name() + "' is " + kind() + ", not loss-based");
    }

    /**
     * What the runner does for this method, called after {@link #check}. The default is the loss plan of
     * {@link #lossMethod} ({@link LossPlan#of(LossMethod, MethodConfig)}); methods with other needs
     * (a reference pass, alternate answers) or of another kind override it.
     */
    default MethodPlan plan(C config, MethodContext<?> context, ModelInfo model) {
        return LossPlan.of(name(), lossMethod(config, context, model), config, context, model);
    }

    /** {@link #plan} for a config bound by {@link #bind} (the runner's untyped path). */
    @SuppressWarnings("unchecked")
    default MethodPlan planFor(MethodConfig config, MethodContext<?> context, ModelInfo model) {
        return plan((C) configClass().cast(config), context, model);
    }

    /**
     * The loss in weighted form (per-item forget weights, see {@link WeightedLoss}) for the worst-case
     * search; empty when the method has no per-sample forget term of that kind.
     *
     * @throws dev.unlearn.core.InvalidInputException when this config has no weighted form (a KL retain term)
     */
    default java.util.Optional<WeightedLoss> weightedLoss(C config) {
        return java.util.Optional.empty();
    }

    /** {@link #weightedLoss} for a config bound by {@link #bind}. */
    default java.util.Optional<WeightedLoss> weightedLossFor(MethodConfig config) {
        return weightedLoss(configClass().cast(config));
    }

    /** {@link #check} for a config bound by {@link #bind}. */
    default void checkFor(MethodConfig config, MethodContext<?> context, ModelInfo model) {
        check(configClass().cast(config), context, model);
    }
}

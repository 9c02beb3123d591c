package dev.unlearn.methods.spi;

/**
 * A method's typed configuration. Implementations are immutable records whose canonical constructor
 * validates every key (throwing {@link dev.unlearn.core.InvalidInputException} naming the key) and
 * whose Java component names map to snake_case recipe keys ({@code retainLossType} ↔
 * {@code retain_loss_type}). {@link ConfigBinder} binds them from maps, YAML and {@code --set} overrides.
 */
public interface MethodConfig {
    /** Whether the method needs a retain set with this configuration (e.g. {@code alpha > 0}). */
    default boolean needsRetain() {
        return false;
    }

    /** Whether the method needs the frozen reference model π_ref with this configuration. */
    default boolean needsReference() {
        return false;
    }

    /**
     * Every output of π_ref the method's loss asks for with this configuration, when
     * {@link #needsReference()}: what {@link LossPlan#of(LossMethod, MethodConfig, ModelInfo)} declares as
     * {@link LossPlan.CacheableReference} so the runner may cache π_ref instead of keeping a copy. Empty (the
     * default) means not declared: π_ref stays a resident model.
     *
     * @param model the model's sizes (RMU's layer), or null when the plan is built without them
     */
    default java.util.List<ReferenceUse> referenceUses(ModelInfo model) {
        return java.util.List.of();
    }

    /**
     * Whether the method needs template answers (FLAT, DPO, IdkDPO, IdkNLL). Informational: the runner provides answers for
     * a plan's {@link LossPlan.AlternateAnswers} hook, and the method checks them itself.
     */
    default boolean needsTemplates() {
        return false;
    }

    /**
     * Where the template answers come from when {@link #needsTemplates()} (config key {@code templates}):
     * {@code tofu-idontknow} or a file of one answer per line; null when the method needs none or the key is unset.
     */
    default String templates() {
        return null;
    }

    /** Why a retain set is needed, for the "missing retain set" error and what to change. */
    default String retainReason() {
        return "alpha > 0 (add retain data, or set alpha: 0 to drop the retain term)";
    }
}

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

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

    /** Whether the method needs template answers (FLAT). */
    default boolean needsTemplates() {
        return false;
    }

    /** The recipe key holding the retain weight, used in "missing retain set" errors. */
    default String retainWeightKey() {
        return "alpha";
    }
}

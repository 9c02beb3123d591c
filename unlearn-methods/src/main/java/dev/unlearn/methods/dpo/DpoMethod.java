package dev.unlearn.methods.dpo;

/**
 * {@code dpo}: see {@link PreferenceLoss} and {@link DpoLoss}. The preferred answers come from the file
 * named by {@code templates} (no default: name one, one answer per line); {@code idkdpo} is this method
 * with the refusal list as default.
 */
public final class DpoMethod extends PreferenceMethod {
    public DpoMethod() {
        super("dpo", "DPO: prefer answers from a template file over the forget answer, anchored to the original model.",
                null);
    }
}

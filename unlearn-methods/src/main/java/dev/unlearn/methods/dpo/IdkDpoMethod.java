package dev.unlearn.methods.dpo;

/**
 * {@code idkdpo}: TOFU's IdkDPO, {@link DpoMethod DPO} with "I don't know"-style refusals preferred over
 * the forget answer (OU: the DPO trainer over {@code QAwithIdkDataset}). Default refusal list: the
 * built-in world's {@code refusals.txt}; {@code templates: tofu-idontknow} selects TOFU's list.
 */
public final class IdkDpoMethod extends PreferenceMethod {
    public IdkDpoMethod() {
        super("idkdpo", "IdkDPO: prefer an \"I don't know\" refusal over the forget answer (DPO against the original"
                + " model).", DpoConfig.BUILTIN_REFUSALS);
    }
}

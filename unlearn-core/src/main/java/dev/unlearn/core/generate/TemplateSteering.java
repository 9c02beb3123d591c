package dev.unlearn.core.generate;

/**
 * Refusal steering towards a template answer (methods.md §9.2, optional, OURS): while the tokens
 * generated after the prompt are a prefix of {@code template}, adds {@code bonus} to the logit of the
 * template's next token. With {@code firstTokenOnly} only the first generated position is steered (the
 * spec's form). A shaping processor: use it in {@link BeamSearch}'s shaping list or in {@link Generator}'s
 * chain.
 */
public final class TemplateSteering implements LogitsProcessor {
    private final int promptLength;
    private final long[] template;
    private final float bonus;
    private final boolean firstTokenOnly;

    /**
     * @param promptLength number of prompt tokens at the start of every sequence this processor sees
     * @param template the template answer's token ids
     * @param bonus added to the steered logit (≥ 0)
     * @param firstTokenOnly steer only the first generated token
     */
    public TemplateSteering(int promptLength, long[] template, double bonus, boolean firstTokenOnly) {
        if (template.length == 0 || !(bonus >= 0)) {
            throw new IllegalArgumentException("template must be non-empty and bonus ≥ 0");
        }
        this.promptLength = promptLength;
        this.template = template.clone();
        this.bonus = (float) bonus;
        this.firstTokenOnly = firstTokenOnly;
    }

    @Override
    public void process(long[] seq, float[] logits) {
        int i = seq.length - promptLength;
        if (i < 0 || i >= template.length || (firstTokenOnly && i > 0)) {
            return;
        }
        for (int k = 0; k < i; k++) {
            if (seq[promptLength + k] != template[k]) {
                return;
            }
        }
        int v = (int) template[i];
        if (v >= 0 && v < logits.length) {
            logits[v] += bonus;
        }
    }
}

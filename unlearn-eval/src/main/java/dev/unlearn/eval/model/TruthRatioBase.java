package dev.unlearn.eval.model;

/**
 * Which answer of a Retain or Forget row is the "base" whose loss enters the Truth Ratio (log fields
 * {@code avg_paraphrased_loss}, {@code paraphrased_loss}, {@code num_token_paraphrased}; spec §2.2, §2.5).
 *
 * <p>The truth ratio compares the base answer with perturbed answers, so both must share a phrasing:
 * only then does the ratio measure knowledge rather than wording. TOFU's perturbed answers perturb the
 * paraphrased answer, hence {@link #PARAPHRASED}, the reference. Data whose perturbed answers perturb
 * the {@code answer} itself (the built-in {@link dev.unlearn.core.synth.SynthWorld}, generator version 1:
 * {@code "Sefton Quarry was born in Velmor."} against the paraphrase {@code "The birthplace of Sefton
 * Quarry is Brightwater."}) need {@link #ANSWER}, which is what TOFU already does for Real Authors and
 * Real World. Real Authors and Real World always use {@code answer}.
 */
public enum TruthRatioBase {
    /** {@code paraphrased_answer} (TOFU reference; the default). */
    PARAPHRASED,
    /** {@code answer}: for data whose perturbed answers perturb the answer, not the paraphrase. */
    ANSWER
}

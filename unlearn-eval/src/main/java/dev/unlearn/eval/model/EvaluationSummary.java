package dev.unlearn.eval.model;

import dev.unlearn.eval.spi.MetricResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The headline numbers a pipeline reads from one evaluation; NaN where the metric did not run (its
 * suite was not selected, or it needs a retain model that was not given).
 *
 * @param forgetQuality {@code forget_quality}: KS p-value of forget truth ratios vs the retain model (§2.6)
 * @param modelUtility {@code model_utility}: harmonic mean of the nine retain/RA/WF numbers (§2.7)
 * @param forgetTruthRatio {@code forget_truth_ratio}: TOFU forget form {@code mean min(R, 1/R)} (§2.5)
 * @param forgetRougeLRecall {@code forget_rougeL_recall}: mean ROUGE-L recall on the forget task
 * @param retainRougeLRecall {@code retain_rougeL_recall}: the same on the retain task
 * @param miaAucLoss {@code mia_auc_loss}: LOSS-attack AUC, forget vs holdout (§4.1–4.2)
 * @param ckaToRetainMean {@code cka_to_retain_mean}: linear CKA between the model's and the retain
 *     model's answer-pooled hidden states on the forget rows, mean over layers (§5.3)
 * @param forgetProb {@code forget_prob}: Prob. on the forget task (§2.3)
 * @param retainProb {@code retain_prob}: Prob. on the retain task
 * @param refusalRateForget {@code refusal_rate_forget}: % refusals (combined or gcg detector) on forget questions (§6.2)
 * @param refusalRateRetain {@code refusal_rate_retain}: the same on retain questions
 * @param generationFiltered {@code generation_filtered}: whether logits processors shaped the
 *     generations (ROUGE, refusal); likelihood numbers always see the unfiltered model
 */
public record EvaluationSummary(double forgetQuality, double modelUtility, double forgetTruthRatio, double forgetRougeLRecall,
        double retainRougeLRecall, double miaAucLoss, double ckaToRetainMean, double forgetProb, double retainProb,
        double refusalRateForget, double refusalRateRetain, boolean generationFiltered) {

    /** Reads the summary out of metric results (missing values become NaN). */
    public static EvaluationSummary from(Map<String, MetricResult> r, boolean generationFiltered) {
        return new EvaluationSummary(
                get(r, "tofu_forget_quality", "Forget Quality"),
                get(r, "tofu_model_utility", "Model Utility"),
                get(r, "tofu_truth_ratio", "Truth Ratio Forget"),
                get(r, "tofu_rouge", "ROUGE Forget"),
                get(r, "tofu_rouge", "ROUGE Retain"),
                get(r, "mia_loss", "auc"),
                get(r, "representation_cka", "cka_to_retrained/forget/mean"),
                get(r, "tofu_probability", "Prob. Forget"),
                get(r, "tofu_probability", "Prob. Retain"),
                get(r, "refusal_rate", "refusal_rate/forget"),
                get(r, "refusal_rate", "refusal_rate/retain"),
                generationFiltered);
    }

    private static double get(Map<String, MetricResult> r, String metric, String scalar) {
        return Optional.ofNullable(r.get(metric)).map(m -> m.scalars().getOrDefault(scalar, Double.NaN)).orElse(Double.NaN);
    }

    /** The numbers under their snake-case names, in declaration order; {@code generation_filtered} as 0/1. */
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("forget_quality", forgetQuality);
        m.put("model_utility", modelUtility);
        m.put("forget_truth_ratio", forgetTruthRatio);
        m.put("forget_rougeL_recall", forgetRougeLRecall);
        m.put("retain_rougeL_recall", retainRougeLRecall);
        m.put("mia_auc_loss", miaAucLoss);
        m.put("cka_to_retain_mean", ckaToRetainMean);
        m.put("forget_prob", forgetProb);
        m.put("retain_prob", retainProb);
        m.put("refusal_rate_forget", refusalRateForget);
        m.put("refusal_rate_retain", refusalRateRetain);
        m.put("generation_filtered", generationFiltered ? 1.0 : 0.0);
        return m;
    }
}

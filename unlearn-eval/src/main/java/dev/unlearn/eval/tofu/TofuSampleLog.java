package dev.unlearn.eval.tofu;

import java.util.Objects;

/**
 * The logged values of one sample of one TOFU task, from which a {@link TofuTaskLog} row is written.
 *
 * <p>Reference matched: the fields of {@code locuslab/tofu@bdc209e evaluate_util.py}; spec §2.2.
 * {@code truth_ratio} and {@code normalized_gt_loss} are derived on writing.
 *
 * @param gt loss fields of {@code answer}
 * @param generatedText {@code [input, generated, ground_truth]}
 * @param rouge1Recall stemmed ROUGE-1 recall(ground_truth, generated)
 * @param rougeLRecall stemmed ROUGE-L recall(ground_truth, generated)
 * @param paraphrased loss fields of the base answer (the paraphrase, or the answer for RA/WF)
 * @param perturbed loss fields of each perturbed answer (5, or 3 for RA/WF)
 */
public record TofuSampleLog(AnswerLoss gt, String[] generatedText, double rouge1Recall, double rougeLRecall,
        AnswerLoss paraphrased, AnswerLoss[] perturbed) {
    public TofuSampleLog {
        Objects.requireNonNull(gt, "gt");
        Objects.requireNonNull(paraphrased, "paraphrased");
        Objects.requireNonNull(perturbed, "perturbed");
        if (generatedText == null || generatedText.length != 3) {
            throw new IllegalArgumentException("generatedText must be [input, generated, ground_truth]");
        }
    }
}

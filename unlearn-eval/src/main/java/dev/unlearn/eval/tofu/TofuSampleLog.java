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

    /**
     * Builds a sample from what the model side computes, deriving {@code rouge1_recall} and
     * {@code rougeL_recall} (stemmed, ground truth as target) from the generated text as TOFU's
     * {@code eval_rouge_recall} does.
     *
     * @param gt loss fields of {@code answer}
     * @param input the decoded prompt (§1.5)
     * @param generated the decoded generation
     * @param groundTruth the decoded reference answer
     * @param paraphrased loss fields of the base answer
     * @param perturbed loss fields of each perturbed answer
     */
    public static TofuSampleLog of(AnswerLoss gt, String input, String generated, String groundTruth, AnswerLoss paraphrased,
            AnswerLoss... perturbed) {
        dev.unlearn.eval.rouge.Rouge rouge = new dev.unlearn.eval.rouge.Rouge(true);
        return new TofuSampleLog(gt, new String[] {input, generated, groundTruth}, rouge.rouge1(groundTruth, generated).recall(),
                rouge.rougeL(groundTruth, generated).recall(), paraphrased, perturbed);
    }
}

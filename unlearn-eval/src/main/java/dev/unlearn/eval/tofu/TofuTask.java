package dev.unlearn.eval.tofu;

import java.util.Optional;

/**
 * The four tasks of TOFU's {@code eval_everything.yaml}, in the order of the aggregated log file.
 *
 * <p>Reference matched: {@code locuslab/tofu@bdc209e config/eval_everything.yaml} and
 * {@code aggregate_eval_stat.py}'s task names; spec §2.1, §2.11.
 */
public enum TofuTask {
    /** {@code retain_perturbed}, first 300 rows. */
    RETAIN("eval_log.json", "Retain", false),
    /** {@code real_authors_perturbed}, 100 rows, 3 perturbed answers. */
    REAL_AUTHORS("eval_real_author_wo_options.json", "Real Authors", true),
    /** {@code world_facts_perturbed}, 117 rows, 3 perturbed answers. */
    REAL_WORLD("eval_real_world_wo_options.json", "Real World", true),
    /** {@code forgetXX_perturbed}. */
    FORGET("eval_log_forget.json", "Forget", false);

    private final String fileName;
    private final String displayName;
    private final boolean multipleChoice;

    TofuTask(String fileName, String displayName, boolean multipleChoice) {
        this.fileName = fileName;
        this.displayName = displayName;
        this.multipleChoice = multipleChoice;
    }

    /** Log file name, e.g. {@code eval_log_forget.json}. */
    public String fileName() {
        return fileName;
    }

    /** Name in the aggregated CSV columns, e.g. {@code Real Authors}. */
    public String displayName() {
        return displayName;
    }

    /** Whether Prob. uses the multiple-choice normalisation and the log has {@code normalized_gt_loss}. */
    public boolean multipleChoice() {
        return multipleChoice;
    }

    /** The task whose log file has this name. */
    public static Optional<TofuTask> byFileName(String name) {
        for (TofuTask t : values()) {
            if (t.fileName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}

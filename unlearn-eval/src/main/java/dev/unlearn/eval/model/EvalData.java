package dev.unlearn.eval.model;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.eval.tofu.TofuTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation splits of a TOFU-layout data directory (the Hugging Face files or a
 * {@link dev.unlearn.core.synth.SynthWorld}): the four tasks of spec §2.1 and the MIA holdout set.
 *
 * <p>Task files: Retain = {@code retain_perturbed.json}, Real Authors = {@code real_authors_perturbed.json},
 * Real World = {@code world_facts_perturbed.json}, Forget = {@code <forgetSplit>_perturbed.json}. All rows
 * are scored (OU); {@code maxRows} keeps the first rows of every task, as TOFU's {@code ds_size: 300}.
 *
 * <p><b>MIA holdout</b> (spec §4.1, §4.8). When the directory holds {@code holdoutXX.json} matching
 * {@code forgetXX} (TOFU ships {@code holdout01/05/10}), it is the holdout set. Otherwise (the synthetic
 * world, where the full model saw every author) the holdout is <em>counterfactual</em>: the forget
 * questions paired with their first {@code perturbed_answer}. Those answers fill the same template
 * with attribute values drawn from the same pools as the true ones, and no model was trained on them,
 * so for a model that never saw the forget author (the retain model) they are exchangeable with the
 * true answers and the attack AUC is 0.5 in expectation; a model that memorised the author gives its
 * true answers lower loss and an AUC near 1. Generating holdout authors with another seed was rejected
 * because the synthetic word-level tokenizer covers only the words of the written world.
 *
 * @param dir the directory
 * @param forgetSplit forget split name without {@code _perturbed}, e.g. {@code forget10}
 * @param tasks rows per task, in file order
 * @param holdout MIA holdout rows
 * @param holdoutSource where the holdout rows came from (a file name, or a {@code counterfactual:…} description)
 */
public record EvalData(Path dir, String forgetSplit, Map<TofuTask, List<QaRecord>> tasks, List<QaRecord> holdout,
        String holdoutSource) {

    public EvalData {
        tasks = Collections.unmodifiableMap(new EnumMap<>(tasks));
        holdout = List.copyOf(holdout);
    }

    /**
     * The record ids of every split in row order, under the {@link dev.unlearn.eval.spi.SampleSeries}
     * split names ({@code forget}, {@code retain}, {@code real_authors}, {@code real_world},
     * {@code holdout}): the keys of the report's per-sample values. A forget record keeps the id it has
     * in the recipe's forget split (a content hash of question and answer, {@link QaRecord#id}).
     */
    public Map<String, List<String>> recordIds() {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (TofuTask t : TofuTask.values()) {
            out.put(t.name().toLowerCase(java.util.Locale.ROOT), rows(t).stream().map(QaRecord::id).toList());
        }
        out.put(dev.unlearn.eval.spi.SampleSeries.HOLDOUT, holdout.stream().map(QaRecord::id).toList());
        return out;
    }

    /** The rows of a task. */
    public List<QaRecord> rows(TofuTask task) {
        return tasks.get(task);
    }

    /**
     * Reads a data directory.
     *
     * @param dir the directory
     * @param forgetSplit e.g. {@code forget10} (a trailing {@code _perturbed} is accepted)
     * @param maxRows keep at most this many rows per task, or {@code null} for all
     * @throws InvalidInputException naming a missing file
     */
    public static EvalData load(Path dir, String forgetSplit, Integer maxRows) {
        requireSplitName("forget split", forgetSplit);
        String split = forgetSplit.endsWith("_perturbed") ? forgetSplit.substring(0, forgetSplit.length() - "_perturbed".length()) : forgetSplit;
        Map<TofuTask, List<QaRecord>> tasks = new EnumMap<>(TofuTask.class);
        tasks.put(TofuTask.RETAIN, read(dir, "retain_perturbed.json", maxRows));
        tasks.put(TofuTask.REAL_AUTHORS, read(dir, "real_authors_perturbed.json", maxRows));
        tasks.put(TofuTask.REAL_WORLD, read(dir, "world_facts_perturbed.json", maxRows));
        tasks.put(TofuTask.FORGET, read(dir, split + "_perturbed.json", maxRows));
        // forget10 -> holdout10, forget_set -> holdout_set (a generated world's other forget sets)
        String holdoutName = split.startsWith("forget") ? "holdout" + split.substring("forget".length()) : null;
        Path holdoutFile = holdoutName == null ? null : dir.resolve(holdoutName + ".json");
        List<QaRecord> holdout = new ArrayList<>();
        String source;
        if (holdoutFile != null && Files.isRegularFile(holdoutFile)) {
            holdout.addAll(read(dir, holdoutFile.getFileName().toString(), null));
            source = holdoutFile.getFileName().toString();
        } else {
            for (QaRecord r : tasks.get(TofuTask.FORGET)) {
                if (r.perturbedAnswers().isEmpty()) {
                    throw new InvalidInputException(split + "_perturbed.json has a row without perturbed_answer; "
                            + "cannot build the counterfactual MIA holdout (or add " + (holdoutName == null ? "holdoutXX" : holdoutName) + ".json)");
                }
                holdout.add(QaRecord.of(r.question(), r.perturbedAnswers().get(0)));
            }
            source = "counterfactual:" + split + "_perturbed.json question + perturbed_answer[0]";
        }
        return new EvalData(dir, split, tasks, holdout, source);
    }

    /**
     * Refuses a split name that is not a plain file-name stem, so that it can only name a file inside
     * the data directory: {@code ../x} or {@code /tmp/x} would read {@code x_perturbed.json} elsewhere.
     *
     * @param what how to name the split in the message, e.g. {@code --forget-split}
     * @param split the split name, e.g. {@code forget10}
     * @throws InvalidInputException if it holds anything but letters, digits, '_', '-' and '.', or starts with '.'
     */
    public static void requireSplitName(String what, String split) {
        if (split == null || !split.matches("[A-Za-z0-9_-][A-Za-z0-9_.-]*")) {
            throw new InvalidInputException(what + " '" + split + "' must name a file of the data folder: letters, digits,"
                    + " '_', '-' and '.' only, not starting with '.' (e.g. forget10)");
        }
    }

    private static List<QaRecord> read(Path dir, String file, Integer maxRows) {
        Path p = dir.resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new InvalidInputException("evaluation data file " + p + " is missing; a TOFU-layout data directory needs "
                    + "retain_perturbed.json, real_authors_perturbed.json, world_facts_perturbed.json and forgetXX_perturbed.json");
        }
        List<QaRecord> rows = QaReader.read(p);
        if (rows.isEmpty()) {
            throw new InvalidInputException("evaluation data file " + p + " has no rows");
        }
        return maxRows == null || rows.size() <= maxRows ? rows : rows.subList(0, maxRows);
    }
}

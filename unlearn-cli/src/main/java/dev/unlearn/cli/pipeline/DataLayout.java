package dev.unlearn.cli.pipeline;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.eval.model.EvalData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a run's QA files are, and the run's one reading of them: the folder, the split files the
 * stages use, and the records read from them once per run. TOFU files may be {@code .json} or
 * {@code .jsonl}; the first that exists is taken.
 *
 * <p>The forget split is read once ({@link #forgetRecords}) for every unlearning stage, and the
 * evaluation splits once ({@link #evalData}) for every model's evaluation and the leakage suite; a
 * forget record keeps its id ({@link QaRecord#id}, a content hash of question and answer) from the
 * recipe's forget file to the report's per-sample values.
 */
public final class DataLayout {
    private final Path dir;
    private final String forgetSplit;
    private final String retainSplit;
    private final List<String> trainExtra;
    private final Path tokenizerDir;
    private List<QaRecord> forgetRecords;
    private List<QaRecord> retainRecords;
    private EvalData evalData;

    /**
     * @param dir the data folder
     * @param forgetSplit e.g. {@code forget10}
     * @param retainSplit e.g. {@code retain90}
     * @param trainExtra files trained into both the full and the retain model (the built-in world's facts)
     * @param tokenizerDir folder with {@code tokenizer.json} for models trained from scratch, else null
     */
    public DataLayout(Path dir, String forgetSplit, String retainSplit, List<String> trainExtra, Path tokenizerDir) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.forgetSplit = forgetSplit;
        this.retainSplit = retainSplit;
        this.trainExtra = List.copyOf(trainExtra);
        this.tokenizerDir = tokenizerDir;
    }

    public Path dir() {
        return dir;
    }

    public String forgetSplit() {
        return forgetSplit;
    }

    public String retainSplit() {
        return retainSplit;
    }

    public List<String> trainExtra() {
        return trainExtra;
    }

    public Path tokenizerDir() {
        return tokenizerDir;
    }

    public Path full() {
        return file("full");
    }

    public Path forget() {
        return file(forgetSplit);
    }

    public Path retain() {
        return file(retainSplit);
    }

    /** The forget split's records, read on first use and then shared by every stage of the run. */
    public synchronized List<QaRecord> forgetRecords() {
        if (forgetRecords == null) {
            forgetRecords = List.copyOf(QaReader.read(forget()));
        }
        return forgetRecords;
    }

    /** The retain split's records, read on first use and then shared. */
    public synchronized List<QaRecord> retainRecords() {
        if (retainRecords == null) {
            retainRecords = List.copyOf(QaReader.read(retain()));
        }
        return retainRecords;
    }

    /** The evaluation splits ({@code *_perturbed} files and the MIA holdout), read on first use and then shared. */
    public synchronized EvalData evalData() {
        if (evalData == null) {
            evalData = EvalData.load(dir, forgetSplit, null);
        }
        return evalData;
    }

    public List<Path> extras() {
        List<Path> out = new ArrayList<>();
        for (String e : trainExtra) {
            out.add(file(e));
        }
        return out;
    }

    /** The file of a split, {@code NAME.json} or {@code NAME.jsonl}. */
    public Path file(String split) {
        for (String ext : List.of(".json", ".jsonl")) {
            Path p = dir.resolve(split + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new InvalidInputException("data folder " + dir + " has no " + split + ".json or " + split + ".jsonl");
    }

    /** The retain split matching a forget split: forget10 → retain90. */
    public static String retainFor(String forgetSplit) {
        if (!forgetSplit.matches("forget\\d\\d")) {
            throw new InvalidInputException("forget_split must look like forget01, forget05 or forget10, found '" + forgetSplit + "'");
        }
        int pct = Integer.parseInt(forgetSplit.substring(6));
        return String.format("retain%02d", 100 - pct);
    }
}

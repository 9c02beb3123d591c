package dev.unlearn.cli.pipeline;

import dev.unlearn.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run's QA files are: the folder and the split files the stages use. TOFU files may be
 * {@code .json} or {@code .jsonl}; the first that exists is taken.
 *
 * @param dir the data folder
 * @param forgetSplit e.g. {@code forget10}
 * @param retainSplit e.g. {@code retain90}
 * @param trainExtra files trained into both the full and the retain model (the built-in world's facts)
 * @param tokenizerDir folder with {@code tokenizer.json} for models trained from scratch, else null
 */
public record DataLayout(Path dir, String forgetSplit, String retainSplit, List<String> trainExtra, Path tokenizerDir) {
    public Path full() {
        return file("full");
    }

    public Path forget() {
        return file(forgetSplit);
    }

    public Path retain() {
        return file(retainSplit);
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

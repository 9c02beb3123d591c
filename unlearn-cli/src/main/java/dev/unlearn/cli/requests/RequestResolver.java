package dev.unlearn.cli.requests;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns a request's selectors into a forget set over the training data, and draws the retain sample.
 *
 * <p>Training data is a QA file or a folder of them; every {@code *.json}/{@code *.jsonl} file in
 * the folder is read except the non-data files a model or world folder carries (tokenizer, config,
 * manifests) and the {@code holdoutXX} files, which by TOFU's convention hold data no model was
 * trained on. Records are deduplicated by their content-hash id, keeping the richest copy (the
 * one with paraphrases and perturbed answers when a {@code *_perturbed} file repeats a row).
 *
 * <p>A record is selected when any selector matches: its id is listed; its question or answer
 * contains an exact string; a regular expression finds a match in question or answer; or its entity
 * (author) equals a named entity, or the name occurs in its question or answer as a whole word or phrase
 * (case-insensitive: "Ann" names "Ann's book", not "Annual" or "Joanna").
 */
public final class RequestResolver {
    static final Set<String> NOT_DATA = Set.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "config.json", "generation_config.json", "manifest.json", "world.json", "model.safetensors.index.json");

    private RequestResolver() {}

    /**
     * The resolved forget set and the records left for the retain sample; {@code matchedBy} gives, for each
     * selected record's id, the selector kinds that matched it ({@code record_ids}, {@code exact_strings},
     * {@code regexes}, {@code entities}), so an over-broad pattern can be seen before it runs.
     */
    public record Resolution(List<QaRecord> forget, List<QaRecord> rest, Map<String, Integer> matchesBySelector,
            int trainingRecords, Map<String, List<String>> matchedBy) {}

    /** Reads and deduplicates the training data. */
    public static List<QaRecord> trainingData(Path fileOrDir) {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(fileOrDir)) {
            try (Stream<Path> s = Files.list(fileOrDir)) {
                s.filter(p -> {
                    String n = p.getFileName().toString();
                    return (n.endsWith(".json") || n.endsWith(".jsonl")) && !NOT_DATA.contains(n) && !n.startsWith("holdout");
                }).sorted().forEach(files::add);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot list training data " + fileOrDir, ex);
            }
        } else if (Files.isRegularFile(fileOrDir)) {
            files.add(fileOrDir);
        } else {
            throw new InvalidInputException("training data " + fileOrDir + " does not exist");
        }
        if (files.isEmpty()) {
            throw new InvalidInputException("training data folder " + fileOrDir + " holds no .json or .jsonl QA files");
        }
        Map<String, QaRecord> byId = new LinkedHashMap<>();
        for (Path f : files) {
            for (QaRecord r : QaReader.read(f)) {
                byId.merge(r.id(), r, (a, b) -> richness(b) > richness(a) ? b : a);
            }
        }
        return new ArrayList<>(byId.values());
    }

    private static int richness(QaRecord r) {
        return (r.paraphrasedAnswer() != null ? 1 : 0) + (r.perturbedAnswers() != null ? r.perturbedAnswers().size() : 0)
                + (r.paraphrasedQuestion() != null ? 1 : 0) + (r.entity() != null ? 1 : 0);
    }

    /** Scripts written without spaces between words, where a name is found inside the running text. */
    private static final Set<Character.UnicodeScript> UNSPACED = Set.of(Character.UnicodeScript.HAN,
            Character.UnicodeScript.HIRAGANA, Character.UnicodeScript.KATAKANA, Character.UnicodeScript.THAI,
            Character.UnicodeScript.LAO, Character.UnicodeScript.KHMER, Character.UnicodeScript.MYANMAR,
            Character.UnicodeScript.TIBETAN);

    /**
     * A name as a whole word or phrase, case-insensitive: "Ann" finds "Ann's book", not "annual" or "Joanna". An
     * edge of the name in a script written without spaces (Chinese, Japanese, Thai, ...) needs no boundary.
     */
    static Pattern namePattern(String name) {
        boolean left = !UNSPACED.contains(Character.UnicodeScript.of(name.codePointAt(0)));
        boolean right = !UNSPACED.contains(Character.UnicodeScript.of(name.codePointBefore(name.length())));
        return Pattern.compile((left ? "(?<![\\p{L}\\p{N}])" : "") + Pattern.quote(name)
                + (right ? "(?![\\p{L}\\p{N}])" : ""), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** Resolves the selectors; an empty match is an error that says which selectors matched nothing. */
    public static Resolution resolve(DeletionRequest.Selectors sel, List<QaRecord> data) {
        List<String> ids = sel.recordIdsOrEmpty();
        List<String> exact = sel.exactStringsOrEmpty();
        List<Pattern> regexes = sel.regexesOrEmpty().stream().map(Pattern::compile).toList();
        List<String> entities = sel.entitiesOrEmpty().stream().map(e -> e.toLowerCase(Locale.ROOT).trim()).toList();
        List<Pattern> names = entities.stream().filter(e -> !e.isEmpty()).map(RequestResolver::namePattern).toList();
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("record_ids", 0);
        counts.put("exact_strings", 0);
        counts.put("regexes", 0);
        counts.put("entities", 0);
        List<QaRecord> forget = new ArrayList<>();
        List<QaRecord> rest = new ArrayList<>();
        Map<String, List<String>> matchedBy = new LinkedHashMap<>();
        for (QaRecord r : data) {
            List<String> by = new ArrayList<>();
            String q = r.question();
            String a = r.answer();
            boolean hit = false;
            if (ids.contains(r.id())) {
                counts.merge("record_ids", 1, Integer::sum);
                by.add("record_ids");
                hit = true;
            }
            if (exact.stream().anyMatch(s -> q.contains(s) || a.contains(s))) {
                counts.merge("exact_strings", 1, Integer::sum);
                by.add("exact_strings");
                hit = true;
            }
            if (regexes.stream().anyMatch(p -> p.matcher(q).find() || p.matcher(a).find())) {
                counts.merge("regexes", 1, Integer::sum);
                by.add("regexes");
                hit = true;
            }
            String ent = r.entity() == null ? null : r.entity().toLowerCase(Locale.ROOT).trim();
            if (entities.contains(ent) || names.stream().anyMatch(n -> n.matcher(q).find() || n.matcher(a).find())) {
                counts.merge("entities", 1, Integer::sum);
                by.add("entities");
                hit = true;
            }
            (hit ? forget : rest).add(r);
            if (hit) {
                matchedBy.put(r.id(), List.copyOf(by));
            }
        }
        if (forget.isEmpty()) {
            throw new InvalidInputException("the request's selectors match no record of the training data ("
                    + data.size() + " records): nothing to unlearn. Check the subject's spelling, record ids and patterns;"
                    + " this is reported as an error, not as a successful deletion");
        }
        if (rest.isEmpty()) {
            throw new InvalidInputException("the request's selectors match all " + data.size() + " records of the training"
                    + " data " + counts + ": none is left to retain, so the retain-utility check (max_utility_drop)"
                    + " cannot be measured. Narrow the selectors; the counts show which one is over-broad");
        }
        return new Resolution(forget, rest, counts, data.size(), matchedBy);
    }

    /**
     * The held-out (never trained) records beside the training data, for the membership-inference
     * check: the largest {@code holdoutXX.json}/{@code .jsonl} in the training-data folder, or empty.
     */
    public static java.util.Optional<Path> holdoutFile(Path trainingData) {
        if (!Files.isDirectory(trainingData)) {
            return java.util.Optional.empty();
        }
        for (String n : List.of("holdout10", "holdout05", "holdout01")) {
            for (String ext : List.of(".json", ".jsonl")) {
                Path p = trainingData.resolve(n + ext);
                if (Files.isRegularFile(p)) {
                    return java.util.Optional.of(p);
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** A seeded sample of up to {@code n} records from {@code rest}, in a stable order. */
    public static List<QaRecord> retainSample(List<QaRecord> rest, int n, long seed) {
        List<QaRecord> copy = new ArrayList<>(rest);
        Batches.shuffle(copy, new Random(seed));
        return List.copyOf(copy.subList(0, Math.min(n, copy.size())));
    }
}

package dev.unlearn.core.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.QaWriter;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.Splits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A forget set of the built-in world other than its fixed {@code forgetXX} splits: a seeded random
 * choice of authors, or given records (the output of {@code unlearn worst-case}).
 *
 * <p>{@link #write} adds, beside the files of {@link SynthWorld#write}, the split files of the set under
 * fixed names: {@code forget_set.json} (plain rows), {@code retain_set.json} (every other author row:
 * what the retain model trains on, with the world facts), {@code forget_set_perturbed.json} (the forget
 * rows with their paraphrased and perturbed answers, for evaluation) and {@code holdout_set.json}
 * (never-trained rows, the MIA non-members), plus {@code forget_set.json}'s description in
 * {@code forget_set_manifest.json}. The retain evaluation ({@code retain_perturbed.json}) is rewritten
 * to the first {@code max(1, round(N/10))} authors the set does not touch, so that, as with TOFU's
 * splits, no evaluated retain row is forgotten.
 *
 * <p>Holdout rows: as many held-out authors as the set touches authors, when the set takes whole
 * authors; otherwise as many held-out rows as the set has rows. Both are capped by the held-out pool
 * ({@link SynthWorld#holdoutAuthors()} authors), which the manifest reports.
 */
public final class WorldForgetSet {
    /** Split names: the data layout reads {@code forget_set.json}, {@code retain_set.json}, {@code holdout_set.json}. */
    public static final String FORGET = "forget_set";
    public static final String RETAIN = "retain_set";
    public static final String HOLDOUT = "holdout_set";
    public static final String MANIFEST = "forget_set_manifest.json";

    private final Split<QaRecord> split;

    private WorldForgetSet(Split<QaRecord> split) {
        this.split = split;
    }

    /** A seeded random {@code percent}% of the world's authors (TOFU's count rule, {@link Splits#forgetEntityCount}). */
    public static WorldForgetSet random(SynthWorld.Content c, double percent, long seed) {
        return new WorldForgetSet(Splits.randomEntities(FORGET, c.authorRows(), percent, seed));
    }

    /**
     * Exactly the given records, matched by id (a record's id is derived from its question and answer,
     * so records read back from any TOFU-format file match).
     *
     * @param source where the records come from, for messages and the manifest
     * @throws InvalidInputException naming a record that is not one of the world's author rows
     */
    public static WorldForgetSet records(SynthWorld.Content c, Collection<QaRecord> given, String source) {
        if (given.isEmpty()) {
            throw new InvalidInputException(source + " has no records; a forget set needs at least one");
        }
        Set<String> known = new LinkedHashSet<>();
        c.authorRows().forEach(r -> known.add(r.id()));
        Set<String> ids = new LinkedHashSet<>();
        int i = 0;
        for (QaRecord r : given) {
            if (!known.contains(r.id())) {
                throw new InvalidInputException(source + ": record " + i + " (question '" + r.question() + "') is not a"
                        + " row of this world's authors; the set must come from this world's full.json (same"
                        + " data.builtin authors and seed)");
            }
            ids.add(r.id());
            i++;
        }
        if (ids.size() == known.size()) {
            throw new InvalidInputException(source + " holds every author row of the world; nothing is left to retain");
        }
        Split<QaRecord> s = Splits.byIds(FORGET, c.authorRows(), ids);
        return new WorldForgetSet(new Split<>(FORGET, s.forget(), s.retain(), ids.size() + " records of " + source));
    }

    /** The forget rows (with their perturbed fields). */
    public List<QaRecord> forget() {
        return split.forget();
    }

    /** The rule, e.g. {@code random 10% of 10 entities (1), seed 3}. */
    public String rule() {
        return split.rule();
    }

    /** Writes the set's files into a folder that {@link SynthWorld#write} filled with {@code c}. */
    public void write(Path dir, SynthWorld.Content c) {
        Set<String> touched = new LinkedHashSet<>();
        split.forget().forEach(r -> touched.add(r.entity()));
        Map<String, Integer> rowsPerAuthor = new HashMap<>();
        c.authorRows().forEach(r -> rowsPerAuthor.merge(r.entity(), 1, Integer::sum));
        Map<String, Integer> forgotten = new HashMap<>();
        split.forget().forEach(r -> forgotten.merge(r.entity(), 1, Integer::sum));
        boolean wholeAuthors = touched.stream().allMatch(e -> forgotten.get(e).equals(rowsPerAuthor.get(e)));

        List<QaRecord> holdout;
        if (wholeAuthors) {
            List<Author> held = c.holdoutAuthors();
            Set<String> names = new LinkedHashSet<>();
            held.subList(Math.max(0, held.size() - touched.size()), held.size()).forEach(a -> names.add(a.name()));
            holdout = c.holdoutRows().stream().filter(r -> names.contains(r.entity())).toList();
        } else {
            List<QaRecord> rows = c.holdoutRows();
            holdout = rows.subList(Math.max(0, rows.size() - split.forget().size()), rows.size());
        }

        int keep = Math.max(1, (int) Math.round(c.authors().size() * 0.10));
        List<String> retainEval = new ArrayList<>();
        for (Author a : c.authors()) {
            if (retainEval.size() < keep && !touched.contains(a.name())) {
                retainEval.add(a.name());
            }
        }
        if (retainEval.isEmpty()) {
            throw new InvalidInputException("the forget set (" + split.rule() + ") touches every author; no author is"
                    + " left for the retain evaluation");
        }
        Set<String> evalSet = Set.copyOf(retainEval);

        QaWriter.write(dir.resolve(FORGET + ".json"), SynthWorld.plain(split.forget()));
        QaWriter.write(dir.resolve(RETAIN + ".json"), SynthWorld.plain(split.retain()));
        QaWriter.write(dir.resolve(FORGET + "_perturbed.json"), split.forget());
        QaWriter.write(dir.resolve(HOLDOUT + ".json"), SynthWorld.plain(holdout));
        QaWriter.write(dir.resolve("retain_perturbed.json"),
                c.authorRows().stream().filter(r -> evalSet.contains(r.entity())).toList());

        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode man = m.createObjectNode();
        man.put("rule", split.rule());
        man.put("digest", split.digest());
        man.put("forget_rows", split.forget().size());
        man.put("retain_rows", split.retain().size());
        man.put("whole_authors", wholeAuthors);
        touched.forEach(man.putArray("forget_authors")::add);
        man.put("holdout_rows", holdout.size());
        if (holdout.size() < (wholeAuthors ? touched.size() * SynthWorld.QA_PER_AUTHOR : split.forget().size())) {
            man.put("holdout_note", "the held-out pool has " + c.holdoutRows().size() + " rows; the MIA holdout is"
                    + " smaller than the forget set");
        }
        retainEval.forEach(man.putArray("retain_eval_authors")::add);
        com.fasterxml.jackson.databind.node.ArrayNode ids = man.putArray("forget_ids");
        split.forget().forEach(r -> ids.add(r.id()));
        try {
            QaWriter.writeAtomically(dir.resolve(MANIFEST), m.writeValueAsString(man) + "\n");
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise " + MANIFEST, ex);
        }
    }
}

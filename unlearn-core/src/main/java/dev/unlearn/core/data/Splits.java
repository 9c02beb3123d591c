package dev.unlearn.core.data;

import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Forget/retain splits by explicit ids, by entity, or by a percentage of entities.
 *
 * <p>Percentage splits follow TOFU's convention: {@code forgetXX} is the <em>last</em>
 * {@link #forgetEntityCount(int, double) max(1, round(N·XX/100))} entities in order of first
 * appearance, and {@code retain(100-XX)} the rest. With TOFU's 200 authors this gives 2, 10 and 20
 * authors for forget01/05/10; with 10 authors all three are the last single author. A seeded random
 * choice of entities is offered too; every rule is deterministic for its inputs and seed.
 */
public final class Splits {
    private Splits() {}

    /** Number of entities a {@code percent} forget split takes out of {@code entities}: max(1, round(N·p/100)). */
    public static int forgetEntityCount(int entities, double percent) {
        if (percent <= 0 || percent >= 100) {
            throw new InvalidInputException("forget percentage must be in (0, 100), got " + percent);
        }
        if (entities < 2) {
            throw new InvalidInputException("a percentage split needs at least 2 entities, found " + entities);
        }
        return (int) Math.min(entities - 1, Math.max(1, Math.round(entities * percent / 100.0)));
    }

    /** Forgets exactly the records whose ids are listed; an unknown id is an error naming it. */
    public static <R extends DataRecord> Split<R> byIds(String name, List<R> all, Collection<String> forgetIds) {
        Set<String> wanted = new LinkedHashSet<>(forgetIds);
        Set<String> present = new HashSet<>();
        all.forEach(r -> present.add(r.id()));
        for (String id : wanted) {
            if (!present.contains(id)) {
                throw new InvalidInputException("forget id '" + id + "' is not in the dataset (" + all.size() + " records)");
            }
        }
        return partition(name, all, r -> wanted.contains(r.id()), "ids (" + wanted.size() + ")");
    }

    /** Forgets every record about one of the named entities; an entity without records is an error. */
    public static <R extends DataRecord> Split<R> byEntities(String name, List<R> all, Collection<String> entities) {
        List<String> known = entities(all);
        for (String e : entities) {
            if (!known.contains(e)) {
                throw new InvalidInputException("entity '" + e + "' has no records; known entities: "
                        + (known.size() > 10 ? known.subList(0, 10) + "…" : known));
            }
        }
        Set<String> set = new HashSet<>(entities);
        return partition(name, all, r -> set.contains(r.entity()), "entities " + new ArrayList<>(new LinkedHashSet<>(entities)));
    }

    /** TOFU convention: forget the last {@code percent}% of entities (see class comment). */
    public static <R extends DataRecord> Split<R> lastEntities(String name, List<R> all, double percent) {
        List<String> ents = entities(all);
        int k = forgetEntityCount(ents.size(), percent);
        Set<String> chosen = new HashSet<>(ents.subList(ents.size() - k, ents.size()));
        return partition(name, all, r -> chosen.contains(r.entity()),
                "last " + fmt(percent) + "% of " + ents.size() + " entities (" + k + ")");
    }

    /** Forgets a seeded uniformly random {@code percent}% of entities (same count rule as TOFU). */
    public static <R extends DataRecord> Split<R> randomEntities(String name, List<R> all, double percent, long seed) {
        List<String> ents = new ArrayList<>(entities(all));
        int k = forgetEntityCount(ents.size(), percent);
        Batches.shuffle(ents, new Random(seed));
        Set<String> chosen = new HashSet<>(ents.subList(0, k));
        return partition(name, all, r -> chosen.contains(r.entity()),
                "random " + fmt(percent) + "% of " + ents.size() + " entities (" + k + "), seed " + seed);
    }

    /** Distinct entities in order of first appearance; a record without an entity is an error. */
    public static <R extends DataRecord> List<String> entities(List<R> all) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < all.size(); i++) {
            R r = all.get(i);
            if (r.entity() == null) {
                throw new InvalidInputException("record " + i + " (id " + r.id() + ") names no entity; entity splits"
                        + " need an 'author' field, or assign entities by blocks (Splits.assignBlockEntities)");
            }
            out.add(r.entity());
        }
        return new ArrayList<>(out);
    }

    /**
     * Assigns entities to records without one by consecutive blocks, as TOFU's files are laid out (20
     * rows per author, in order): record {@code i} gets {@code entity-<i / rowsPerEntity>}.
     */
    public static List<QaRecord> assignBlockEntities(List<QaRecord> records, int rowsPerEntity) {
        if (rowsPerEntity < 1) {
            throw new InvalidInputException("rowsPerEntity must be at least 1, got " + rowsPerEntity);
        }
        List<QaRecord> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            QaRecord r = records.get(i);
            out.add(r.entity() != null ? r : r.withEntity(String.format("entity-%04d", i / rowsPerEntity)));
        }
        return out;
    }

    private static <R extends DataRecord> Split<R> partition(String name, List<R> all,
            java.util.function.Predicate<R> forget, String rule) {
        List<R> f = new ArrayList<>();
        List<R> r = new ArrayList<>();
        for (R x : all) {
            (forget.test(x) ? f : r).add(x);
        }
        if (f.isEmpty()) {
            throw new InvalidInputException("split '" + name + "' (" + rule + ") selects no records to forget");
        }
        return new Split<>(name, f, r, rule);
    }

    private static String fmt(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}

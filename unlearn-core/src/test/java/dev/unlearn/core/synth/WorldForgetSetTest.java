package dev.unlearn.core.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldForgetSetTest {
    @TempDir Path dir;

    static Set<String> ids(List<QaRecord> rows) {
        return rows.stream().map(QaRecord::id).collect(Collectors.toSet());
    }

    static Set<String> authors(List<QaRecord> rows) {
        return rows.stream().map(QaRecord::entity).collect(Collectors.toSet());
    }

    @Test
    void randomSetPartitionsTheWorldAndKeepsTheRetainEvaluationDisjoint() {
        SynthWorld w = new SynthWorld(20, 0);
        SynthWorld.Content c = w.write(dir);
        WorldForgetSet s = WorldForgetSet.random(c, 10, 3);
        s.write(dir, c);
        List<QaRecord> forget = QaReader.read(dir.resolve("forget_set.json"));
        List<QaRecord> retain = QaReader.read(dir.resolve("retain_set.json"));
        List<QaRecord> perturbed = QaReader.read(dir.resolve("forget_set_perturbed.json"));
        List<QaRecord> retainEval = QaReader.read(dir.resolve("retain_perturbed.json"));
        List<QaRecord> holdout = QaReader.read(dir.resolve("holdout_set.json"));
        // 10% of 20 authors = 2 whole authors; forget and retain partition the author rows
        assertEquals(2, authors(forget).size());
        assertEquals(2 * SynthWorld.QA_PER_AUTHOR, forget.size());
        assertEquals(c.authorRows().size(), forget.size() + retain.size());
        Set<String> all = new HashSet<>(ids(forget));
        all.addAll(ids(retain));
        assertEquals(ids(c.authorRows()), all);
        assertTrue(authors(retain).stream().noneMatch(authors(forget)::contains), "no author is split");
        // evaluation rows carry the paraphrase and perturbed answers; training rows do not
        assertEquals(ids(forget), ids(perturbed));
        assertTrue(perturbed.stream().allMatch(r -> r.paraphrasedAnswer() != null && r.perturbedAnswers().size() == 5));
        assertTrue(forget.stream().allMatch(r -> r.paraphrasedAnswer() == null && r.perturbedAnswers().isEmpty()));
        // the retain evaluation: 2 authors (10%), none of them forgotten
        assertEquals(2, authors(retainEval).size());
        assertTrue(authors(retainEval).stream().noneMatch(authors(forget)::contains));
        // the MIA holdout: as many never-trained authors as the set has
        assertEquals(2, authors(holdout).size());
        assertTrue(ids(holdout).stream().noneMatch(ids(c.authorRows())::contains));
    }

    @Test
    void randomSetsDependOnTheirSeedOnly() {
        SynthWorld.Content c = new SynthWorld(20, 0).generate();
        Set<String> a = authors(WorldForgetSet.random(c, 25, 1).forget());
        assertEquals(a, authors(WorldForgetSet.random(c, 25, 1).forget()));
        assertEquals(5, a.size());
        Set<Set<String>> draws = new HashSet<>();
        for (long seed = 0; seed < 6; seed++) {
            draws.add(authors(WorldForgetSet.random(c, 25, seed).forget()));
        }
        assertTrue(draws.size() > 1, "different seeds draw different authors");
        Set<String> last = authors(c.authorRows().subList(c.authorRows().size() - 5 * SynthWorld.QA_PER_AUTHOR,
                c.authorRows().size()));
        assertTrue(draws.stream().anyMatch(d -> !d.equals(last)), "not TOFU's last-authors rule");
    }

    @Test
    void recordSetMatchesRowsByIdAndTakesAsManyHoldoutRows() {
        SynthWorld.Content c = new SynthWorld(10, 0).write(dir);
        // a record-level set: three rows of the first author (a retain-evaluation author in TOFU's layout)
        List<QaRecord> chosen = c.authorRows().subList(0, 3).stream()
                .map(r -> QaRecord.of(r.question(), r.answer())).toList();
        WorldForgetSet s = WorldForgetSet.records(c, chosen, "wc/forget.json");
        s.write(dir, c);
        assertEquals(ids(chosen), ids(QaReader.read(dir.resolve("forget_set.json"))));
        assertEquals(c.authorRows().size() - 3, QaReader.read(dir.resolve("retain_set.json")).size());
        assertEquals(3, QaReader.read(dir.resolve("holdout_set.json")).size());
        List<QaRecord> retainEval = QaReader.read(dir.resolve("retain_perturbed.json"));
        assertFalse(authors(retainEval).contains(c.authorRows().get(0).entity()), "the touched author is not evaluated as retained");
        assertEquals(1, authors(retainEval).size());
    }

    @Test
    void foreignOrExhaustiveRecordSetsAreRefusedNamingTheSource() {
        SynthWorld.Content c = new SynthWorld(10, 0).generate();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> WorldForgetSet.records(c,
                List.of(c.authorRows().get(0), QaRecord.of("Who wrote it?", "Nobody.")), "wc/forget.json"));
        assertTrue(e.getMessage().contains("wc/forget.json: record 1") && e.getMessage().contains("Who wrote it?"),
                e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> WorldForgetSet.records(c, c.authorRows(), "all.json"));
        assertTrue(e.getMessage().contains("nothing is left to retain"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> WorldForgetSet.records(c, List.of(), "empty.json"));
        assertTrue(e.getMessage().contains("empty.json has no records"), e.getMessage());
    }
}

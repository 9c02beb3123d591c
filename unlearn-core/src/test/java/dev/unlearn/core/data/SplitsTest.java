package dev.unlearn.core.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitsTest {
    private static List<QaRecord> world(int authors, int perAuthor) {
        List<QaRecord> out = new ArrayList<>();
        for (int a = 0; a < authors; a++) {
            for (int q = 0; q < perAuthor; q++) {
                out.add(QaRecord.of("Q" + q + " about author " + a + "?", "A" + q).withEntity("Author " + a));
            }
        }
        return out;
    }

    @Test
    void tofuPercentConvention() {
        assertEquals(2, Splits.forgetEntityCount(200, 1));
        assertEquals(10, Splits.forgetEntityCount(200, 5));
        assertEquals(20, Splits.forgetEntityCount(200, 10));
        assertEquals(1, Splits.forgetEntityCount(10, 1));
        assertEquals(1, Splits.forgetEntityCount(10, 10));
        List<QaRecord> all = world(20, 4);
        Split<QaRecord> s = Splits.lastEntities("forget10", all, 10);
        assertEquals(8, s.forget().size());
        assertEquals(72, s.retain().size());
        assertEquals(Set.of("Author 18", "Author 19"), new HashSet<>(s.forget().stream().map(QaRecord::entity).toList()));
        assertEquals(all.subList(72, 80), s.forget());
    }

    @Test
    void byIdsAndEntitiesAreDisjointAndComplete() {
        List<QaRecord> all = world(5, 3);
        Split<QaRecord> s = Splits.byIds("x", all, List.of(all.get(4).id(), all.get(0).id()));
        assertEquals(List.of(all.get(0), all.get(4)), s.forget());
        assertEquals(13, s.retain().size());
        assertThrows(InvalidInputException.class, () -> Splits.byIds("x", all, List.of("nope")));
        Split<QaRecord> e = Splits.byEntities("e", all, List.of("Author 2"));
        assertEquals(3, e.forget().size());
        assertTrue(e.retain().stream().noneMatch(r -> r.entity().equals("Author 2")));
        assertThrows(InvalidInputException.class, () -> Splits.byEntities("e", all, List.of("Nobody")));
    }

    @Test
    void randomEntitiesSeeded() {
        List<QaRecord> all = world(30, 2);
        Split<QaRecord> a = Splits.randomEntities("r", all, 10, 7);
        Split<QaRecord> b = Splits.randomEntities("r", all, 10, 7);
        assertEquals(a.digest(), b.digest());
        assertEquals(6, a.forget().size());
        boolean differs = false;
        for (long seed = 8; seed < 20 && !differs; seed++) {
            differs = !Splits.randomEntities("r", all, 10, seed).forget().equals(a.forget());
        }
        assertTrue(differs, "different seeds choose different entities");
    }

    @Test
    void blockEntitiesForRealTofu() {
        List<QaRecord> plain = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            plain.add(QaRecord.of("q" + i, "a" + i));
        }
        assertThrows(InvalidInputException.class, () -> Splits.lastEntities("f", plain, 50));
        List<QaRecord> blocks = Splits.assignBlockEntities(plain, 20);
        Split<QaRecord> s = Splits.lastEntities("f", blocks, 50);
        assertEquals(plain.subList(20, 40).stream().map(QaRecord::id).toList(), s.forget().stream().map(QaRecord::id).toList());
    }
}

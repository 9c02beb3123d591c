package dev.unlearn.core.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchingTest {
    private static List<TokenizedExample> examples(String prefix, int n) {
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long[] ids = new long[3 + i % 4];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = 10 + t + i;
            }
            out.add(new TokenizedExample(prefix + i, ids, 2));
        }
        return out;
    }

    @Test
    void listShuffleIsExactlyCollectionsShuffle() {
        for (int n : new int[] {0, 1, 2, 4, 5, 6, 17, 100, 1001}) {
            for (long seed : new long[] {0L, 1L, 42L, -7L, 0x5E1EA4L}) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    expected.add("x" + i);
                }
                List<String> array = new ArrayList<>(expected);
                List<String> linked = new LinkedList<>(expected);
                Collections.shuffle(expected, new Random(seed));
                Batches.shuffle(array, new Random(seed));
                Batches.shuffle(linked, new Random(seed));
                assertEquals(expected, array, "n=" + n + " seed=" + seed);
                assertEquals(expected, linked, "linked n=" + n + " seed=" + seed);
            }
        }
    }

    @Test
    void shuffledEpochsArePermutationsAndSeeded() {
        List<TokenizedExample> ex = examples("e", 10);
        List<Batch> b0 = Batches.shuffled(ex, 3, 0, 5, 0);
        assertEquals(4, b0.size());
        assertEquals(1, b0.get(3).size());
        List<String> ids = new ArrayList<>();
        b0.forEach(b -> ids.addAll(b.ids()));
        assertEquals(10, ids.stream().distinct().count());
        List<String> again = new ArrayList<>();
        Batches.shuffled(ex, 3, 0, 5, 0).forEach(b -> again.addAll(b.ids()));
        assertEquals(ids, again);
        List<String> next = new ArrayList<>();
        Batches.shuffled(ex, 3, 0, 5, 1).forEach(b -> next.addAll(b.ids()));
        assertNotEquals(ids, next, "each epoch reshuffles");
        // padding carries label -100
        Batch b = Batches.sequential(ex, 4, 0).get(0);
        long[][] labels = new long[4][];
        for (int i = 0; i < 4; i++) {
            labels[i] = ex.get(i).labels();
            assertEquals(TokenizedExample.IGNORE, labels[i][0]);
            assertEquals(TokenizedExample.IGNORE, labels[i][1]);
            assertEquals(ex.get(i).inputIds()[2], labels[i][2]);
        }
    }

    @Test
    void pairingDrawsRetainUniformlyWithReplacementPerEpoch() {
        List<TokenizedExample> forget = examples("f", 40);
        List<TokenizedExample> retain = examples("r", 4);
        ForgetRetainPairing p = new ForgetRetainPairing(forget, retain, 8, 0, 11);
        assertEquals(5, p.batchesPerEpoch());
        Map<String, Integer> counts = new HashMap<>();
        for (int epoch = 0; epoch < 50; epoch++) {
            List<ForgetRetainPairing.Pair> pairs = p.epoch(epoch);
            int seen = 0;
            for (ForgetRetainPairing.Pair pair : pairs) {
                assertEquals(pair.forget().size(), pair.retain().size());
                seen += pair.forget().size();
                pair.retain().ids().forEach(id -> counts.merge(id, 1, Integer::sum));
            }
            assertEquals(40, seen);
        }
        assertEquals(4, counts.size());
        for (int c : counts.values()) {
            assertEquals(500, c, 75, "uniform draws: each of 4 retain samples about 2000/4 times");
        }
        assertNotEquals(java.util.Arrays.toString(p.retainDraws(0)), java.util.Arrays.toString(p.retainDraws(1)));
        assertArrayEquals(p.retainDraws(3), new ForgetRetainPairing(forget, retain, 8, 0, 11).retainDraws(3));
    }
}

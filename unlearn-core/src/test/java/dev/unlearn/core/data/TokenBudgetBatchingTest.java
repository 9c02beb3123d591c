package dev.unlearn.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Batches cut by a token budget ({@code max_batch_tokens}) as well as by rows. */
class TokenBudgetBatchingTest {
    /** {@code n} examples of seeded lengths 2..maxLen (prompt 1 token). */
    private static List<TokenizedExample> examples(String prefix, int n, int maxLen, long seed) {
        Random r = new Random(seed);
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long[] ids = new long[2 + r.nextInt(maxLen - 1)];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = 5 + t + i;
            }
            out.add(new TokenizedExample(prefix + i, ids, 1));
        }
        return out;
    }

    private static List<TokenizedExample> lengths(int... len) {
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < len.length; i++) {
            out.add(new TokenizedExample("x" + i, new long[len[i]], 1));
        }
        return out;
    }

    /** Today's cut, written out independently: every batchSize rows of the order. */
    private static List<List<TokenizedExample>> rowCut(List<TokenizedExample> ex, int[] order, int batchSize) {
        List<List<TokenizedExample>> out = new ArrayList<>();
        for (int s = 0; s < order.length; s += batchSize) {
            List<TokenizedExample> b = new ArrayList<>();
            for (int i = s; i < Math.min(order.length, s + batchSize); i++) {
                b.add(ex.get(order[i]));
            }
            out.add(b);
        }
        return out;
    }

    private static void assertSameBatches(List<List<TokenizedExample>> expected, List<Batch> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int b = 0; b < expected.size(); b++) {
            List<TokenizedExample> e = expected.get(b);
            assertEquals(e.size(), actual.get(b).size(), what);
            for (int i = 0; i < e.size(); i++) {
                assertSame(e.get(i), actual.get(b).examples().get(i), what + " batch " + b + " row " + i);
            }
        }
    }

    private static List<TokenizedExample> flat(List<Batch> batches) {
        List<TokenizedExample> out = new ArrayList<>();
        batches.forEach(b -> out.addAll(b.examples()));
        return out;
    }

    @Test
    void budgetOffIsTodaysBatchesExactly() {
        for (int n : new int[] {1, 7, 16, 33}) {
            List<TokenizedExample> ex = examples("e", n, 40, n);
            int longest = ex.stream().mapToInt(TokenizedExample::length).max().orElseThrow();
            for (int bs : new int[] {1, 3, 8}) {
                int[] identity = new int[n];
                for (int i = 0; i < n; i++) {
                    identity[i] = i;
                }
                assertSameBatches(rowCut(ex, identity, bs), Batches.sequential(ex, bs, 0, 0), "sequential n=" + n);
                assertSameBatches(rowCut(ex, identity, bs), Batches.sequential(ex, bs, 0), "old sequential n=" + n);
                for (int epoch = 0; epoch < 3; epoch++) {
                    int[] perm = Batches.permutation(n, 9, epoch);
                    String what = "n=" + n + " bs=" + bs + " epoch=" + epoch;
                    assertSameBatches(rowCut(ex, perm, bs), Batches.shuffled(ex, bs, 0, 0, 9, epoch), what);
                    assertSameBatches(rowCut(ex, perm, bs), Batches.shuffled(ex, bs, 0, 9, epoch), what);
                    // a budget every full batch fits changes nothing either
                    assertSameBatches(rowCut(ex, perm, bs), Batches.shuffled(ex, bs, bs * longest, 0, 9, epoch), what);
                    assertEquals(Batches.count(n, bs), Batches.count(ex, perm, bs, 0));
                    assertEquals(Batches.count(n, bs), Batches.count(ex, perm, bs, bs * longest));
                }
            }
        }
    }

    @Test
    void budgetIsRespectedOrderKeptAndCutsGreedy() {
        List<TokenizedExample> ex = examples("e", 60, 50, 3);
        int bs = 8;
        int budget = 120;
        for (int epoch = 0; epoch < 4; epoch++) {
            int[] perm = Batches.permutation(ex.size(), 17, epoch);
            List<Batch> batches = Batches.shuffled(ex, bs, budget, 0, 17, epoch);
            List<TokenizedExample> order = new ArrayList<>();
            for (int i : perm) {
                order.add(ex.get(i));
            }
            assertEquals(order, flat(batches), "the seeded permutation, unchanged");
            assertEquals(batches.size(), Batches.count(ex, perm, bs, budget));
            assertTrue(batches.size() > Batches.count(ex.size(), bs), "the budget cuts more batches: " + batches.size());
            int at = 0;
            for (int b = 0; b < batches.size(); b++) {
                Batch batch = batches.get(b);
                assertTrue(batch.size() <= bs);
                assertTrue(batch.size() == 1 || (long) batch.size() * batch.width() <= budget,
                        batch.size() + " x " + batch.width());
                at += batch.size();
                if (b + 1 < batches.size() && batch.size() < bs) {
                    // greedy: the next row would have broken the budget
                    int w = Math.max(batch.width(), order.get(at).length());
                    assertTrue((long) (batch.size() + 1) * w > budget, "batch " + b + " closed early");
                }
            }
        }
        assertEquals(flat(Batches.sequential(ex, bs, 0)), flat(Batches.sequential(ex, bs, budget, 0)), "dataset order");
    }

    /** A row longer than the budget is a batch by itself; the rows around it are batched as usual. */
    @Test
    void aRowOverTheBudgetGoesAlone() {
        List<TokenizedExample> ex = lengths(3, 10, 3, 3, 2, 2, 2);
        List<Batch> b = Batches.sequential(ex, 4, 8, 0);
        assertEquals(List.of(1, 1, 2, 3), b.stream().map(Batch::size).toList());
        assertEquals(10, b.get(1).width());
        assertArrayEquals(new int[] {0, 1, 2, 4, 7}, Batches.cuts(4, 8, new int[] {3, 10, 3, 3, 2, 2, 2}));
        assertArrayEquals(new int[] {0}, Batches.cuts(4, 8, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> Batches.cuts(4, -1, new int[] {3}));
    }

    /** Several length arrays are cut together: a batch stays within the budget in each. */
    @Test
    void cutsTogetherRespectEveryArray() {
        // forget rows alone would fit 4 a batch (4 x 2 = 8); the paired retain rows force smaller ones
        int[] forget = {2, 2, 2, 2, 2, 2};
        int[] retain = {2, 4, 2, 2, 8, 2};
        assertArrayEquals(new int[] {0, 4, 6}, Batches.cuts(8, 8, forget));
        assertArrayEquals(new int[] {0, 2, 4, 5, 6}, Batches.cuts(8, 8, forget, retain));
    }

    @Test
    void pairingUnderABudgetKeepsItemsDrawsAndPairs() {
        List<TokenizedExample> forget = examples("f", 30, 30, 1);
        List<TokenizedExample> retain = examples("r", 9, 60, 2);
        ForgetRetainPairing plain = new ForgetRetainPairing(forget, retain, 6, 0, 4);
        int budget = 100;
        ForgetRetainPairing budgeted = new ForgetRetainPairing(forget, retain, 6, budget, 0, 4);
        for (int epoch = 0; epoch < 5; epoch++) {
            List<ForgetRetainPairing.Pair> a = plain.epoch(epoch);
            List<ForgetRetainPairing.Pair> b = budgeted.epoch(epoch);
            assertEquals(b.size(), budgeted.batchesIn(epoch));
            assertEquals(a.size(), plain.batchesIn(epoch));
            assertTrue(b.size() > a.size(), "epoch " + epoch + ": the budget cuts more steps");
            List<TokenizedExample> fa = new ArrayList<>();
            List<TokenizedExample> ra = new ArrayList<>();
            a.forEach(p -> {
                fa.addAll(p.forget().examples());
                ra.addAll(p.retain().examples());
            });
            List<TokenizedExample> fb = new ArrayList<>();
            List<TokenizedExample> rb = new ArrayList<>();
            for (ForgetRetainPairing.Pair p : b) {
                assertEquals(p.forget().size(), p.retain().size());
                assertTrue(p.forget().size() <= 6);
                for (Batch x : new Batch[] {p.forget(), p.retain()}) {
                    assertTrue(x.size() == 1 || (long) x.size() * x.width() <= budget, x.size() + " x " + x.width());
                }
                fb.addAll(p.forget().examples());
                rb.addAll(p.retain().examples());
            }
            assertEquals(fa, fb, "same shuffled forget items");
            assertEquals(ra, rb, "each paired with the same retain draw");
        }
        assertEquals(plain.batchesPerEpoch(), new ForgetRetainPairing(forget, retain, 6, 0, 0, 4).batchesIn(3));
    }
}

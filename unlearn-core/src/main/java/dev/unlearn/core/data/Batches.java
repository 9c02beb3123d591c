package dev.unlearn.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Cuts tokenized examples into right-padded {@link Batch}es, in order or in a seeded per-epoch
 * shuffle. The last batch of an epoch may be smaller. Shuffles depend only on {@code (seed, epoch)},
 * so any epoch can be rebuilt on resume without replaying earlier ones.
 *
 * <p><b>Token budget</b> ({@code max_batch_tokens}, 0 = off): a batch then holds at most
 * {@code batchSize} rows <em>and</em> at most {@code maxTokens} padded tokens, rows &times; its longest
 * row. The examples keep their order (the same sequence or the same seeded permutation as without a
 * budget); only the cuts move: walking the order, a batch is closed before the row that would break
 * either limit (a greedy cut, so an epoch may have more, smaller batches, and with a shuffle their
 * number varies by epoch: {@link #count(List, int[], int, int)}). With the budget off the cuts are every
 * {@code batchSize} rows, exactly the batches of the row-count-only methods.
 *
 * <p>A single row longer than the budget forms a batch by itself rather than being refused: the
 * per-row bound is {@code max_length} (tokenization truncates to it), a one-row batch is the least
 * memory such a row can be trained with at all, and refusing would stop a run over one long example
 * (or make the user drop data); so the budget bounds every batch of two or more rows, and a batch over
 * it is always a single row.
 */
public final class Batches {
    private Batches() {}

    /** Batches in dataset order. */
    public static List<Batch> sequential(List<TokenizedExample> examples, int batchSize, long padId) {
        return cut(examples, identity(examples.size()), batchSize, padId);
    }

    /** Batches in dataset order under a token budget ({@code maxTokens} padded tokens per batch, 0 = off). */
    public static List<Batch> sequential(List<TokenizedExample> examples, int batchSize, int maxTokens, long padId) {
        return cut(examples, identity(examples.size()), batchSize, maxTokens, padId);
    }

    /** Batches of one epoch in a seeded shuffle. */
    public static List<Batch> shuffled(List<TokenizedExample> examples, int batchSize, long padId, long seed, int epoch) {
        return cut(examples, permutation(examples.size(), seed, epoch), batchSize, padId);
    }

    /**
     * Batches of one epoch in a seeded shuffle under a token budget ({@code maxTokens} padded tokens per
     * batch, 0 = off): the same permutation as {@link #shuffled(List, int, long, long, int)}, cut by rows
     * and tokens.
     */
    public static List<Batch> shuffled(List<TokenizedExample> examples, int batchSize, int maxTokens, long padId,
            long seed, int epoch) {
        return cut(examples, permutation(examples.size(), seed, epoch), batchSize, maxTokens, padId);
    }

    /** Number of batches one epoch has: ceil(n / batchSize). */
    public static int count(int n, int batchSize) {
        return (n + batchSize - 1) / batchSize;
    }

    /**
     * Number of batches {@code examples} taken in {@code order} are cut into under {@code batchSize} rows
     * and {@code maxTokens} padded tokens (0 = off: {@link #count(int, int)}).
     */
    public static int count(List<TokenizedExample> examples, int[] order, int batchSize, int maxTokens) {
        if (maxTokens == 0) {
            return count(order.length, batchSize);
        }
        return cuts(batchSize, maxTokens, lengths(examples, order)).length - 1;
    }

    /**
     * Where a sequence of rows is cut into batches: the start of each batch, then the number of rows
     * ({@code out[b]} to {@code out[b + 1]} is batch {@code b}). A batch closes before the row that
     * would make it hold more than {@code batchSize} rows or, when {@code maxTokens > 0}, more than
     * {@code maxTokens} padded tokens (rows &times; longest row) in any of {@code lengths} (several
     * arrays for batches cut together: forget rows and the retain rows paired with them, each padded on
     * its own). A row over the budget by itself forms a batch alone (see the class comment).
     *
     * @param lengths row lengths in batch order, one array per padded batch cut together, all the same size
     */
    public static int[] cuts(int batchSize, int maxTokens, int[]... lengths) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max batch tokens must be >= 0 (0 = off), got " + maxTokens);
        }
        int n = lengths.length == 0 ? 0 : lengths[0].length;
        int[] widths = new int[lengths.length];
        List<Integer> starts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            int rows = i - start;
            boolean close = rows == batchSize;
            if (!close && maxTokens > 0 && rows > 0) {
                for (int a = 0; a < lengths.length; a++) {
                    close |= (long) (rows + 1) * Math.max(widths[a], lengths[a][i]) > maxTokens;
                }
            }
            if (close) {
                starts.add(start);
                start = i;
                Arrays.fill(widths, 0);
            }
            for (int a = 0; a < lengths.length; a++) {
                widths[a] = Math.max(widths[a], lengths[a][i]);
            }
        }
        if (n > 0) {
            starts.add(start);
        }
        int[] out = new int[starts.size() + 1];
        for (int b = 0; b < starts.size(); b++) {
            out[b] = starts.get(b);
        }
        out[starts.size()] = n;
        return out;
    }

    /** The lengths of {@code examples} taken in {@code order}. */
    public static int[] lengths(List<TokenizedExample> examples, int[] order) {
        int[] out = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = examples.get(order[i]).length();
        }
        return out;
    }

    /** A seeded Fisher–Yates permutation of 0..n-1 for one epoch. */
    public static int[] permutation(int n, long seed, int epoch) {
        int[] p = identity(n);
        shuffle(p, epochRandom(seed, epoch, 0x5EED_0001L));
        return p;
    }

    /**
     * The code base's one seeded shuffle: Fisher–Yates in place, from the last index down, swapping
     * {@code a[i]} with {@code a[rnd.nextInt(i + 1)]} (the draw order of {@code Collections.shuffle}).
     * The permutation depends only on the generator's stream, so callers keep their own seeding.
     */
    public static void shuffle(int[] a, RandomGenerator rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * {@link #shuffle(int[], RandomGenerator)} over a list, in place: the same draws in the same order,
     * so with a {@link Random} it gives exactly the permutation of {@code Collections.shuffle(list, rnd)}.
     */
    public static <T> void shuffle(List<T> list, RandomGenerator rnd) {
        int[] p = shuffledIndices(list.size(), rnd);
        List<T> before = new ArrayList<>(list);
        for (int i = 0; i < p.length; i++) {
            list.set(i, before.get(p[i]));
        }
    }

    /** {@code 0..n-1} in the order of {@link #shuffle}. */
    public static int[] shuffledIndices(int n, RandomGenerator rnd) {
        int[] p = identity(n);
        shuffle(p, rnd);
        return p;
    }

    static Random epochRandom(long seed, int epoch, long stream) {
        long x = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + stream;
        x ^= x >>> 31;
        x *= 0x94D049BB133111EBL;
        x ^= x >>> 29;
        return new Random(x);
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    private static List<Batch> cut(List<TokenizedExample> examples, int[] order, int batchSize, int maxTokens,
            long padId) {
        if (maxTokens == 0) {
            return cut(examples, order, batchSize, padId);
        }
        int[] at = cuts(batchSize, maxTokens, lengths(examples, order));
        List<Batch> out = new ArrayList<>();
        for (int b = 0; b + 1 < at.length; b++) {
            List<TokenizedExample> rows = new ArrayList<>();
            for (int i = at[b]; i < at[b + 1]; i++) {
                rows.add(examples.get(order[i]));
            }
            out.add(new Batch(rows, padId));
        }
        return out;
    }

    private static List<Batch> cut(List<TokenizedExample> examples, int[] order, int batchSize, long padId) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        List<Batch> out = new ArrayList<>();
        for (int s = 0; s < order.length; s += batchSize) {
            List<TokenizedExample> b = new ArrayList<>();
            for (int i = s; i < Math.min(order.length, s + batchSize); i++) {
                b.add(examples.get(order[i]));
            }
            out.add(new Batch(b, padId));
        }
        return out;
    }
}

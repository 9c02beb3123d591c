package dev.unlearn.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Cuts tokenized examples into right-padded {@link Batch}es, in order or in a seeded per-epoch
 * shuffle. The last batch of an epoch may be smaller. Shuffles depend only on {@code (seed, epoch)},
 * so any epoch can be rebuilt on resume without replaying earlier ones.
 */
public final class Batches {
    private Batches() {}

    /** Batches in dataset order. */
    public static List<Batch> sequential(List<TokenizedExample> examples, int batchSize, long padId) {
        return cut(examples, identity(examples.size()), batchSize, padId);
    }

    /** Batches of one epoch in a seeded shuffle. */
    public static List<Batch> shuffled(List<TokenizedExample> examples, int batchSize, long padId, long seed, int epoch) {
        return cut(examples, permutation(examples.size(), seed, epoch), batchSize, padId);
    }

    /** Number of batches one epoch has: ceil(n / batchSize). */
    public static int count(int n, int batchSize) {
        return (n + batchSize - 1) / batchSize;
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

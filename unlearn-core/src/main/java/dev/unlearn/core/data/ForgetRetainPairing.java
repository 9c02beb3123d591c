package dev.unlearn.core.data;

import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Forget/retain batch pairing of methods.md §1.1 (OU {@code ForgetRetainDataset}, anchor forget):
 * an epoch has one item per forget sample, items are shuffled each epoch, and each item is paired with
 * one retain sample drawn uniformly <em>with replacement</em>, redrawn every epoch. Forget samples
 * and retain samples are padded separately, so a step sees a forget batch and a retain batch of the
 * same size. Everything depends only on {@code (seed, epoch)}.
 *
 * <p>With a token budget ({@code max_batch_tokens}, see {@link Batches}) the items keep the same
 * shuffled order and the same retain draws; a step's forget and retain batches still hold the same
 * rows' pairs, and the cut closes a step before the item that would take <em>either</em> its forget
 * batch or its retain batch over the budget (each is padded on its own), so both stay within it. The
 * number of steps per epoch then varies by epoch ({@link #batchesIn(int)}).
 */
public final class ForgetRetainPairing {
    /** A step's two batches. */
    public record Pair(Batch forget, Batch retain) {}

    private final List<TokenizedExample> forget;
    private final List<TokenizedExample> retain;
    private final int batchSize;
    private final int maxTokens;
    private final long padId;
    private final long seed;

    /**
     * @param forget forget examples (non-empty)
     * @param retain retain examples (non-empty; methods without retain data use {@link Batches})
     */
    public ForgetRetainPairing(List<TokenizedExample> forget, List<TokenizedExample> retain, int batchSize,
            long padId, long seed) {
        this(forget, retain, batchSize, 0, padId, seed);
    }

    /**
     * @param forget forget examples (non-empty)
     * @param retain retain examples (non-empty; methods without retain data use {@link Batches})
     * @param maxTokens padded tokens per forget batch and per retain batch, 0 = no token budget
     */
    public ForgetRetainPairing(List<TokenizedExample> forget, List<TokenizedExample> retain, int batchSize,
            int maxTokens, long padId, long seed) {
        if (forget.isEmpty()) {
            throw new InvalidInputException("the forget set is empty");
        }
        if (retain.isEmpty()) {
            throw new InvalidInputException("this method needs a retain set, but the retain set is empty");
        }
        if (batchSize < 1) {
            throw new InvalidInputException("batch size must be at least 1, got " + batchSize);
        }
        if (maxTokens < 0) {
            throw new InvalidInputException("max batch tokens must be >= 0 (0 = off), got " + maxTokens);
        }
        this.forget = List.copyOf(forget);
        this.retain = List.copyOf(retain);
        this.batchSize = batchSize;
        this.maxTokens = maxTokens;
        this.padId = padId;
        this.seed = seed;
    }

    /** Batches per epoch: ceil(|forget| / batchSize); with a token budget, those of epoch 0 ({@link #batchesIn(int)}). */
    public int batchesPerEpoch() {
        return batchesIn(0);
    }

    /** Batches in {@code epoch}: ceil(|forget| / batchSize) without a token budget, the cuts' count with one. */
    public int batchesIn(int epoch) {
        if (maxTokens == 0) {
            return Batches.count(forget.size(), batchSize);
        }
        return cuts(Batches.permutation(forget.size(), seed, epoch), retainDraws(epoch)).length - 1;
    }

    private int[] cuts(int[] order, int[] draws) {
        int[] r = new int[draws.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = retain.get(draws[i]).length();
        }
        return Batches.cuts(batchSize, maxTokens, Batches.lengths(forget, order), r);
    }

    /** Retain index drawn for each forget item (in shuffled item order) in {@code epoch}. */
    public int[] retainDraws(int epoch) {
        Random rnd = Batches.epochRandom(seed, epoch, 0x5EED_0002L);
        int[] d = new int[forget.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextInt(retain.size());
        }
        return d;
    }

    /** All pairs of one epoch. */
    public List<Pair> epoch(int epoch) {
        int[] order = Batches.permutation(forget.size(), seed, epoch);
        int[] draws = retainDraws(epoch);
        List<Pair> out = new ArrayList<>();
        if (maxTokens > 0) {
            int[] at = cuts(order, draws);
            for (int b = 0; b + 1 < at.length; b++) {
                List<TokenizedExample> f = new ArrayList<>();
                List<TokenizedExample> r = new ArrayList<>();
                for (int i = at[b]; i < at[b + 1]; i++) {
                    f.add(forget.get(order[i]));
                    r.add(retain.get(draws[i]));
                }
                out.add(new Pair(new Batch(f, padId), new Batch(r, padId)));
            }
            return out;
        }
        for (int s = 0; s < order.length; s += batchSize) {
            List<TokenizedExample> f = new ArrayList<>();
            List<TokenizedExample> r = new ArrayList<>();
            for (int i = s; i < Math.min(order.length, s + batchSize); i++) {
                f.add(forget.get(order[i]));
                r.add(retain.get(draws[i]));
            }
            out.add(new Pair(new Batch(f, padId), new Batch(r, padId)));
        }
        return out;
    }
}

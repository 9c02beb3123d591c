package dev.unlearn.core.train;

import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.ForgetRetainPairing;
import dev.unlearn.core.data.TokenizedExample;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * Where the loop's micro-batches come from. A source must be a pure function of
 * {@code (epoch, index)}, so that a resumed run sees exactly the batches an uninterrupted one would.
 */
public interface BatchSource {
    /**
     * Micro-batches per epoch (at least 1). For a source cut by a token budget, whose epochs can differ
     * in length, the count of epoch 0; the loop asks {@link #batchesIn(int)}.
     */
    int batchesPerEpoch();

    /**
     * Micro-batches in {@code epoch} (at least 1), a pure function of the epoch like the batches. The
     * same for every epoch unless the source cuts by a token budget (then a shuffle moves the cuts).
     */
    default int batchesIn(int epoch) {
        return batchesPerEpoch();
    }

    /** The named batches of micro-batch {@code index} of {@code epoch}. */
    Map<String, Batch> batches(int epoch, int index);

    /** One dataset under the name {@code "train"}, reshuffled each epoch with {@code seed}. */
    static BatchSource shuffled(List<TokenizedExample> examples, int batchSize, long padId, long seed) {
        return shuffled(examples, batchSize, 0, padId, seed);
    }

    /**
     * One dataset under the name {@code "train"}, reshuffled each epoch with {@code seed} and cut by
     * {@code batchSize} rows and {@code maxTokens} padded tokens (0 = off; {@link Batches}).
     */
    static BatchSource shuffled(List<TokenizedExample> examples, int batchSize, int maxTokens, long padId, long seed) {
        int fixed = Batches.count(examples.size(), batchSize);
        IntUnaryOperator count = maxTokens == 0 ? e -> fixed
                : e -> Batches.count(examples, Batches.permutation(examples.size(), seed, e), batchSize, maxTokens);
        return new EpochCache(count, e -> Batches.shuffled(examples, batchSize, maxTokens, padId, seed, e).stream()
                .map(b -> Map.of("train", b)).toList());
    }

    /** Forget/retain pairs (methods.md §1.1) under the names {@code "forget"} and {@code "retain"}. */
    static BatchSource paired(ForgetRetainPairing pairing) {
        return new EpochCache(pairing::batchesIn, e -> pairing.epoch(e).stream()
                .map(p -> Map.of("forget", p.forget(), "retain", p.retain())).toList());
    }

    /** Builds each epoch once and keeps the latest. */
    final class EpochCache implements BatchSource {
        private final IntUnaryOperator perEpoch;
        private final IntFunction<List<Map<String, Batch>>> build;
        private int cachedEpoch = -1;
        private List<Map<String, Batch>> cached;

        /** @param perEpoch the count of each epoch, without building it */
        EpochCache(IntUnaryOperator perEpoch, IntFunction<List<Map<String, Batch>>> build) {
            this.perEpoch = perEpoch;
            this.build = build;
        }

        @Override
        public int batchesPerEpoch() {
            return perEpoch.applyAsInt(0);
        }

        @Override
        public int batchesIn(int epoch) {
            return perEpoch.applyAsInt(epoch);
        }

        @Override
        public synchronized Map<String, Batch> batches(int epoch, int index) {
            if (epoch != cachedEpoch) {
                cached = build.apply(epoch);
                cachedEpoch = epoch;
            }
            return cached.get(index);
        }
    }
}

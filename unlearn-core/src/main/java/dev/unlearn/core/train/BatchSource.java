package dev.unlearn.core.train;

import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.ForgetRetainPairing;
import dev.unlearn.core.data.TokenizedExample;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Where the loop's micro-batches come from. A source must be a pure function of
 * {@code (epoch, index)}, so that a resumed run sees exactly the batches an uninterrupted one would.
 */
public interface BatchSource {
    /** Micro-batches per epoch (at least 1). */
    int batchesPerEpoch();

    /** The named batches of micro-batch {@code index} of {@code epoch}. */
    Map<String, Batch> batches(int epoch, int index);

    /** One dataset under the name {@code "train"}, reshuffled each epoch with {@code seed}. */
    static BatchSource shuffled(List<TokenizedExample> examples, int batchSize, long padId, long seed) {
        return new EpochCache(Batches.count(examples.size(), batchSize),
                e -> Batches.shuffled(examples, batchSize, padId, seed, e).stream().map(b -> Map.of("train", b)).toList());
    }

    /** Forget/retain pairs (methods.md §1.1) under the names {@code "forget"} and {@code "retain"}. */
    static BatchSource paired(ForgetRetainPairing pairing) {
        return new EpochCache(pairing.batchesPerEpoch(), e -> pairing.epoch(e).stream()
                .map(p -> Map.of("forget", p.forget(), "retain", p.retain())).toList());
    }

    /** Builds each epoch once and keeps the latest. */
    final class EpochCache implements BatchSource {
        private final int perEpoch;
        private final IntFunction<List<Map<String, Batch>>> build;
        private int cachedEpoch = -1;
        private List<Map<String, Batch>> cached;

        EpochCache(int perEpoch, IntFunction<List<Map<String, Batch>>> build) {
            this.perEpoch = perEpoch;
            this.build = build;
        }

        @Override
        public int batchesPerEpoch() {
            return perEpoch;
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

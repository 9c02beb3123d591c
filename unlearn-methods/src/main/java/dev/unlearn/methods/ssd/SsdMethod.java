package dev.unlearn.methods.ssd;

import dev.unlearn.methods.spi.MethodKind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import dev.unlearn.methods.spi.UnlearningMethod;

/**
 * {@code ssd}: a one-shot direct edit. Run {@link FisherImportance#compute} over D_f and over
 * D = D_r then D_f (same batch size, no shuffling), then {@link SelectiveDampening#apply}.
 */
public final class SsdMethod implements UnlearningMethod<SsdConfig> {
    @Override
    public String name() {
        return "ssd";
    }

    @Override
    public String description() {
        return "Selective synaptic dampening: shrink weights far more important for the forget set than for all data.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.DIRECT_EDIT;
    }

    @Override
    public Class<SsdConfig> configClass() {
        return SsdConfig.class;
    }

    @Override
    public SsdConfig defaults() {
        return SsdConfig.defaults();
    }

    /**
     * The item order of the full-set pass D [OURS, following the reference]: retain then forget, no
     * shuffling. With {@code fraction < 1} a seeded subsample of {@code ⌈fraction·N⌉} items, order kept.
     * Batch both passes with the same {@code importance_batch_size}.
     */
    public static <T> List<T> fullSet(List<T> retain, List<T> forget, double fraction, long seed) {
        List<T> all = new ArrayList<>(retain);
        all.addAll(forget);
        if (fraction >= 1) {
            return all;
        }
        int n = all.size();
        int keep = (int) Math.ceil(fraction * n);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] chosen = java.util.Arrays.copyOf(idx, keep);
        java.util.Arrays.sort(chosen);
        List<T> out = new ArrayList<>(keep);
        for (int i : chosen) {
            out.add(all.get(i));
        }
        return out;
    }
}

package dev.unlearn.methods.ssd;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.methods.spi.DirectEdit;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.MethodPlan;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

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
     * SSD as one direct edit (methods.md §6.5): importance over D_f and over D, then dampening in place.
     * Both importance passes use {@code importance_batch_size} and no shuffling; D is retain then forget
     * ({@link #fullSet}, seeded subsample when {@code sample_fraction < 1}).
     */
    @Override
    public DirectEdit plan(SsdConfig c, MethodContext<?> context, ModelInfo model) {
        return in -> {
            Map<String, NDArray> params = in.parameters();
            params.values().forEach(p -> {
                if (!p.hasGradient()) {
                    p.setRequiresGradient(true);
                }
            });
            int bs = c.importanceBatchSize();
            List<TokenizedExample> full = fullSet(in.retain(), in.forget(), c.sampleFraction(), in.seed());
            try (FisherImportance fi = FisherImportance.compute(params, in.policy(),
                            Batches.sequential(in.forget(), bs, in.padId()), in.manager());
                    FisherImportance di = FisherImportance.compute(params, in.policy(),
                            Batches.sequential(full, bs, in.padId()), in.manager())) {
                Map<String, SelectiveDampening.TensorReport> r = SelectiveDampening.apply(params, fi.importances(),
                        di.importances(), c);
                return new DirectEdit.Report(r.size(),
                        r.values().stream().mapToLong(SelectiveDampening.TensorReport::changed).sum(), r);
            }
        };
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
        Batches.shuffle(idx, r);
        int[] chosen = java.util.Arrays.copyOf(idx, keep);
        java.util.Arrays.sort(chosen);
        List<T> out = new ArrayList<>(keep);
        for (int i : chosen) {
            out.add(all.get(i));
        }
        return out;
    }
}

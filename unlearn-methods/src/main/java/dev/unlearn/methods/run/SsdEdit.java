package dev.unlearn.methods.run;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.ssd.FisherImportance;
import dev.unlearn.methods.ssd.SelectiveDampening;
import dev.unlearn.methods.ssd.SsdConfig;
import dev.unlearn.methods.ssd.SsdMethod;
import java.util.List;
import java.util.Map;

/** SSD as one direct edit (methods.md §6.5): importance over D_f and over D, then dampening in place. */
final class SsdEdit {
    /** Per-tensor counts of the edit. */
    record Result(Map<String, SelectiveDampening.TensorReport> report) {}

    private SsdEdit() {}

    /**
     * Both importance passes use {@code importance_batch_size} and no shuffling; D is retain then forget
     * ({@link SsdMethod#fullSet}, seeded subsample when {@code sample_fraction < 1}).
     */
    static Result apply(CausalLm model, SsdConfig c, List<TokenizedExample> forget, List<TokenizedExample> retain,
            long padId, long seed) {
        Map<String, NDArray> params = model.parameters();
        params.values().forEach(p -> {
            if (!p.hasGradient()) {
                p.setRequiresGradient(true);
            }
        });
        ForwardFn policy = new LmForward(model, false);
        int bs = c.importanceBatchSize();
        List<TokenizedExample> full = SsdMethod.fullSet(retain, forget, c.sampleFraction(), seed);
        try (FisherImportance fi = FisherImportance.compute(params, policy, Batches.sequential(forget, bs, padId),
                        model.manager());
                FisherImportance di = FisherImportance.compute(params, policy, Batches.sequential(full, bs, padId),
                        model.manager())) {
            return new Result(SelectiveDampening.apply(params, fi.importances(), di.importances(), c));
        }
    }
}

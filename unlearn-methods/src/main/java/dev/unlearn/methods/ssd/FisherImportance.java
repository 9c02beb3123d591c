package dev.unlearn.methods.ssd;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.train.Backprop;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.spi.ForwardFn;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Diagonal Fisher importance estimate of SSD (methods.md §6.1) [REF SSD-repo {@code src/ssd.py}
 * {@code ParameterPerturber.calc_importance}]:
 *
 * <pre>  I_Λ[i] = (1/N_b) · Σ_{batches β ∈ Λ} ( ∂L_β/∂θ_i )²  </pre>
 *
 * the square of the batch-mean gradient, summed over batches, divided by the number of batches (not a
 * per-sample Fisher). For LLMs [OURS] {@code L_β = NLL_pool} of the batch. Squares and sums in float32
 * (float64 stays float64): bf16 gradients would lose the small importances that decide selection.
 * The sums live in the manager given at construction (may be a CPU manager to save device memory).
 */
public final class FisherImportance implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> sums = new LinkedHashMap<>();
    private int batches;

    public FisherImportance(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** Adds one batch's gradients (one entry per parameter tensor). */
    public void add(Map<String, NDArray> gradients) {
        for (Map.Entry<String, NDArray> e : gradients.entrySet()) {
            NDArray g = e.getValue();
            DataType dt = g.getDataType() == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
            NDArray sq = g.toType(dt, true).toDevice(manager.getDevice(), false).square();
            NDArray prev = sums.get(e.getKey());
            NDArray next = prev == null ? sq : prev.add(sq);
            next.attach(manager);
            if (prev != null) {
                prev.close();
            }
            sums.put(e.getKey(), next);
        }
        batches++;
    }

    public int batches() {
        return batches;
    }

    /** {@code I = Σ g² / N_b} per tensor; arrays belong to this accumulator's manager. */
    public Map<String, NDArray> importances() {
        if (batches == 0) {
            throw new IllegalStateException("no batches were added to the importance estimate");
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k, Scalars.div(v, batches)));
        return out;
    }

    /**
     * One importance pass: for each batch, zero the parameters' gradients, back-propagate
     * {@code NLL_pool(batch)} and add the squared gradients. Parameters must require gradient; the
     * model should be in eval mode (no dropout). Gradients are zeroed again at the end.
     */
    public static FisherImportance compute(Map<String, NDArray> parameters, ForwardFn model, Iterable<Batch> batches,
            NDManager parent) {
        FisherImportance acc = new FisherImportance(parent);
        for (Batch b : batches) {
            try (NDManager step = parent.newSubManager()) {
                zeroGradients(parameters);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    Backprop.backward(gc, SequenceLosses.pooledNll(model.logits(b, step), b.labels(step)));
                }
                Map<String, NDArray> grads = new LinkedHashMap<>();
                parameters.forEach((k, p) -> grads.put(k, p.getGradient()));
                acc.add(grads);
            }
        }
        zeroGradients(parameters);
        return acc;
    }

    /** Zeroes gradients that exist; a parameter that has not been through a backward has none yet. */
    private static void zeroGradients(Map<String, NDArray> parameters) {
        for (NDArray p : parameters.values()) {
            NDArray g;
            try {
                g = p.getGradient();
            } catch (IllegalStateException noGradientYet) {
                continue;
            }
            g.muli(0);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}

package dev.unlearn.methods.ssd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.Scalars;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Selection and dampening of SSD (methods.md §6.2) [REF SSD-repo {@code src/ssd.py}
 * {@code ParameterPerturber.modify_weight}], applied in place to every selected scalar parameter:
 *
 * <pre>
 *   selected(i) ⇔ I_f[i] > α · I_D[i]                (strict; I_f = 0 is never selected)
 *   β_i         = min( (λ · I_D[i] / I_f[i])^e , b ) (selected only)
 *   θ_i         ← β_i · θ_i
 * </pre>
 *
 * A selected element has {@code I_D/I_f < 1/α}, so with {@code λ ≤ α} every selected weight is cut by
 * more than {@code 1 − λ/α} (over 90 % with the defaults). Paper: Foster et al., "Fast Machine
 * Unlearning Without Retraining Through Selective Synaptic Dampening",
 * <a href="https://arxiv.org/abs/2308.07707">arXiv:2308.07707</a>.
 */
public final class SelectiveDampening {
    private static final Logger LOG = LoggerFactory.getLogger(SelectiveDampening.class);

    private SelectiveDampening() {}

    /**
     * Per-tensor counts.
     *
     * @param elements elements in the tensor
     * @param selected elements with {@code I_f > α·I_D}
     * @param changed selected elements with {@code β < 1}
     * @param meanBeta mean β over the changed elements (1.0 when none changed)
     */
    public record TensorReport(long elements, long selected, long changed, double meanBeta) {}

    /** The multiplicative factor per element: β where selected, 1 elsewhere (float32/float64). */
    public static NDArray factor(NDArray importanceForget, NDArray importanceFull, SsdConfig c) {
        NDArray sel = importanceForget.gt(Scalars.mul(importanceFull, c.selectionWeighting()));
        NDArray safeIf = NDArrays.where(sel, importanceForget, importanceForget.onesLike());
        NDArray beta = Scalars.minimum(Scalars.pow(Scalars.mul(importanceFull, c.dampeningConstant()).div(safeIf),
                c.exponent()), c.lowerBound());
        return NDArrays.where(sel, beta, beta.onesLike());
    }

    /**
     * Dampens the parameters in place and reports per-tensor counts. Tensors without importances, or
     * not matched by {@link SsdConfig#edits}, are left alone. Gradient recording is turned off on a
     * parameter while it is edited.
     */
    public static Map<String, TensorReport> apply(Map<String, NDArray> parameters,
            Map<String, NDArray> importanceForget, Map<String, NDArray> importanceFull, SsdConfig c) {
        Map<String, TensorReport> report = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            String name = e.getKey();
            NDArray fi = importanceForget.get(name);
            NDArray di = importanceFull.get(name);
            if (fi == null || di == null || !c.edits(name)) {
                continue;
            }
            NDArray p = e.getValue();
            try (NDManager scratch = p.getManager().newSubManager()) {
                fi = fi.toDevice(p.getDevice(), true);
                di = di.toDevice(p.getDevice(), true);
                fi.attach(scratch);
                di.attach(scratch);
                NDArray sel = fi.gt(Scalars.mul(di, c.selectionWeighting()));
                NDArray f = factor(fi, di, c);
                NDArray changedMask = f.lt(1);
                long selected = sel.countNonzero().getLong();
                long changed = changedMask.countNonzero().getLong();
                double meanBeta = changed == 0 ? 1.0
                        : f.toType(DataType.FLOAT64, false).mul(changedMask.toType(DataType.FLOAT64, false)).sum()
                                .getDouble() / changed;
                if (changed > 0) {
                    scale(p, f);
                }
                report.put(name, new TensorReport(p.size(), selected, changed, meanBeta));
                LOG.debug("ssd {}: {} of {} selected, {} changed, mean beta {}", name, selected, p.size(), changed,
                        meanBeta);
            }
        }
        LOG.info("ssd: {} tensors examined, {} elements changed", report.size(),
                report.values().stream().mapToLong(TensorReport::changed).sum());
        return report;
    }

    private static void scale(NDArray p, NDArray factor) {
        boolean grad = p.hasGradient();
        if (grad) {
            p.setRequiresGradient(false);
        }
        DataType dt = p.getDataType();
        if (dt == DataType.FLOAT32 || dt == DataType.FLOAT64) {
            p.muli(factor.toType(dt, false));
        } else {
            // half precision: multiply in float32, round once into the parameter's dtype
            p.set(new NDIndex("..."), p.toType(DataType.FLOAT32, false).mul(factor.toType(DataType.FLOAT32, false))
                    .toType(dt, false));
        }
        if (grad) {
            p.setRequiresGradient(true);
        }
    }
}

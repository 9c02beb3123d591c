package dev.unlearn.methods.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.Batch;
import java.util.Map;

/**
 * A method's loss on one batch whose items carry a forget weight (the worst-case search, methods.md
 * §10.4) [OURS]: item {@code b} enters the forget term with weight {@code w_b} and the retain term with
 * {@code 1 − w_b}; each term is normalised by its batch weight sum
 * ({@link dev.unlearn.methods.loss.WeightedTerms}). With {@code w ∈ {0,1}} every term equals the method's
 * own term on the selected (forget) and unselected (retain) items. Offered by
 * {@link UnlearningMethod#weightedLoss}.
 */
@FunctionalInterface
public interface WeightedLoss {
    /** Batch weight sums below this drop the term. */
    double MIN_WEIGHT = 1e-9;

    /**
     * The scalar loss of one batch.
     *
     * @param policy π_θ forward (with gradient)
     * @param batch the batch
     * @param forgetWeights {@code w_b} per batch item, in {@code [0, 1]}
     * @param referenceNllSum π_ref's {@code NLL_sum} by item id when {@link #needsReferenceNllSum()}, else null
     * @param m the step manager
     */
    NDArray loss(ForwardFn policy, Batch batch, double[] forgetWeights, Map<String, Double> referenceNllSum,
            NDManager m);

    /** Whether the caller must score π_ref ({@code NLL_sum} per item) before the first update (NPO). */
    default boolean needsReferenceNllSum() {
        return false;
    }
}

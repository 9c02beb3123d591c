package dev.unlearn.methods.worstcase;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.Batch;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.MethodConfig;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.spi.UnlearningMethod;
import dev.unlearn.methods.spi.WeightedLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A method's loss on one pool batch with per-item forget weights (methods.md §10.4): the method's own
 * {@link WeightedLoss} ({@link UnlearningMethod#weightedLoss}) bound to π_ref's scores when it needs
 * them. Methods without a weighted form (flat, rmu, pd, ssd, guard) are rejected.
 */
@FunctionalInterface
public interface WeightedObjective {
    /** Batch weight sums below this drop the term. */
    double MIN_WEIGHT = WeightedLoss.MIN_WEIGHT;

    /**
     * The scalar loss of one pool batch.
     *
     * @param policy π_θ forward (with gradient)
     * @param batch the pool batch
     * @param forgetWeights {@code w_b} per batch item, in {@code [0, 1]}
     * @param m the step manager
     */
    NDArray loss(ForwardFn policy, Batch batch, double[] forgetWeights, NDManager m);

    /**
     * The weighted loss of a registered method.
     *
     * @throws InvalidInputException for a method without a weighted form, or a config without one (KL retain)
     */
    static WeightedLoss weightedLoss(String method, MethodConfig config) {
        UnlearningMethod<?> m = Methods.byName(method);
        return m.weightedLossFor(config).orElseThrow(() -> new InvalidInputException("The worst-case search cannot"
                + " weight method '" + method + "' per sample; supported: " + String.join(", ", supported()) + "."));
    }

    /** Registered methods with a weighted form under their defaults, sorted. */
    static List<String> supported() {
        List<String> out = new ArrayList<>();
        for (UnlearningMethod<?> m : Methods.all().values()) {
            Optional<WeightedLoss> w;
            try {
                w = m.weightedLossFor(m.defaults());
            } catch (InvalidInputException ex) {
                w = Optional.empty();
            }
            if (w.isPresent()) {
                out.add(m.name());
            }
        }
        return out;
    }

    /**
     * The weighted objective of a method.
     *
     * @param method registry name
     * @param config the method's bound config
     * @param referenceNllSum π_ref {@code NLL_sum} per pool item id when the weighted loss needs it
     *     ({@link WeightedLoss#needsReferenceNllSum()}), else null
     * @throws InvalidInputException for an unsupported method or a KL retain loss
     */
    static WeightedObjective forMethod(String method, MethodConfig config, Map<String, Double> referenceNllSum) {
        WeightedLoss loss = weightedLoss(method, config);
        if (loss.needsReferenceNllSum() && referenceNllSum == null) {
            throw new IllegalArgumentException(method + " needs the reference NLL_sum of every pool item");
        }
        return (p, b, w, m) -> loss.loss(p, b, w, referenceNllSum, m);
    }
}

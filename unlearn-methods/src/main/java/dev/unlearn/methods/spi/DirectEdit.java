package dev.unlearn.methods.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.TokenizedExample;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A direct-edit plan (SSD): change the weights once, in place, from the tokenised forget and retain
 * data, without a training loop.
 */
@FunctionalInterface
public non-sealed interface DirectEdit extends MethodPlan {
    /** Edits {@code in.parameters()} in place. */
    Report apply(Input in);

    @Override
    default MethodKind kind() {
        return MethodKind.DIRECT_EDIT;
    }

    /**
     * What an edit sees.
     *
     * @param parameters the model's parameters by Hugging Face name, edited in place
     * @param policy forward of the model (with gradient)
     * @param forget tokenised forget set, dataset order
     * @param retain tokenised retain set, dataset order (empty when none)
     * @param padId the tokenizer's pad id
     * @param seed the run seed
     * @param manager the model's manager (create a child for temporaries)
     */
    record Input(Map<String, NDArray> parameters, ForwardFn policy, List<TokenizedExample> forget,
            List<TokenizedExample> retain, long padId, long seed, NDManager manager) {}

    /**
     * What an edit did, for the run summary.
     *
     * @param tensors parameter tensors examined
     * @param changed elements changed
     * @param perTensor per-tensor details by parameter name (serialised as JSON objects)
     */
    record Report(int tensors, long changed, Map<String, ?> perTensor) {
        public Report {
            perTensor = Collections.unmodifiableMap(new LinkedHashMap<>(perTensor));
        }
    }
}

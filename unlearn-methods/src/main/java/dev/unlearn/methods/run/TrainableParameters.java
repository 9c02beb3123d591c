package dev.unlearn.methods.run;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.methods.spi.LossMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Which parameters of a loss-based run the optimizer sees. */
final class TrainableParameters {
    private TrainableParameters() {}

    /**
     * Parameters {@link LossMethod#trainable()} accepts (RMU: its regex and the blocks its loss depends
     * on). Others get neither updates nor weight decay.
     *
     * @throws InvalidInputException when nothing is left to train
     */
    static Map<String, NDArray> select(CausalLm model, LossMethod loss) {
        Predicate<String> keep = loss.trainable();
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            if (keep.test(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("No model parameter is trainable with this config (check"
                    + " 'trainable_params_regex'); the model has " + model.parameters().keySet().stream().limit(4).toList()
                    + " …");
        }
        return out;
    }
}

package dev.unlearn.methods.run;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.methods.rmu.RmuLoss;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.ModelInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which parameters of a loss-based run the optimizer sees. */
final class TrainableParameters {
    private static final Pattern BLOCK = Pattern.compile("(?:^|\\.)layers\\.(\\d+)\\.");

    private TrainableParameters() {}

    /**
     * Parameters {@link LossMethod#trainable()} accepts and, for RMU, only those its loss depends on
     * (methods.md §7.6: blocks up to ℓ and the embeddings; the final norm only when ℓ is the last block,
     * whose {@code hidden_states} entry comes after it). Others get neither updates nor weight decay.
     *
     * @throws InvalidInputException when nothing is left to train
     */
    static Map<String, NDArray> select(CausalLm model, LossMethod loss, ModelInfo info) {
        Predicate<String> keep = loss.trainable();
        if (loss instanceof RmuLoss rmu) {
            int layer = rmu.layer();
            keep = keep.and(name -> {
                Matcher mt = BLOCK.matcher(name);
                if (mt.find()) {
                    return Integer.parseInt(mt.group(1)) <= layer;
                }
                if (name.contains("embed_tokens")) {
                    return true;
                }
                return name.equals("model.norm.weight") && layer == info.numLayers() - 1;
            });
        }
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

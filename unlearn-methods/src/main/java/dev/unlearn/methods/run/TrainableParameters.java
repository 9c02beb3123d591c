package dev.unlearn.methods.run;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LoraAdapters;
import dev.unlearn.methods.spi.LossMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Which parameters of a loss-based run the optimizer sees. */
final class TrainableParameters {
    private TrainableParameters() {}

    /**
     * In adapter mode ({@link CausalLm#adapters()} set) the LoRA A and B matrices whose adapted base
     * weight {@link LossMethod#trainable()} accepts, by PEFT name; the base weights never. Otherwise the
     * parameters {@link LossMethod#trainable()} accepts (RMU: its regex and the blocks its loss depends
     * on). Others get neither updates nor weight decay.
     *
     * @throws InvalidInputException when nothing is left to train
     */
    static Map<String, NDArray> select(CausalLm model, LossMethod loss) {
        Predicate<String> keep = loss.trainable();
        Map<String, NDArray> out = new LinkedHashMap<>();
        LoraAdapters adapters = model.adapters();
        if (adapters != null) {
            // adapter mode: A and B train, never the (frozen) base; a method's selection applies to the weight each adapts
            Map<String, String> base = adapters.baseWeightByName();
            adapters.parameters().forEach((n, p) -> {
                if (keep.test(base.get(n))) {
                    out.put(n, p);
                }
            });
            if (out.isEmpty()) {
                throw new InvalidInputException("No LoRA adapter is trainable with this config: the adapters sit on "
                        + adapters.modules() + " and the method trains none of those weights (check"
                        + " 'trainable_params_regex' and the LoRA targets, e.g. --lora-targets all)");
            }
            return out;
        }
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

package dev.unlearn.methods.rmu;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.MethodConfig;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.ReferenceUse;
import dev.unlearn.methods.spi.ReferenceUse.StepBatch;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Keys of {@code rmu} (methods.md §7.3, OU {@code RMU.yaml}).
 *
 * @param layer decoder block ℓ (0-based) whose output is steered; null (default) means 7 clamped to
 *     {@code L − 1}; an explicit value must lie in {@code 0 … L−1}
 * @param steeringCoeff c, default 2 (OU TOFU); must be > 0
 * @param gamma forget weight γ, default 1
 * @param alpha retain weight α, default 1 (WMDP published run: 1200)
 * @param trainableParamsRegex parameters the optimizer updates, default {@code .*} (found, not matched whole)
 * @param form {@code ou} (default: masked per-token mean) or {@code wmdp} (plain MSE over all elements)
 */
public record RmuConfig(Integer layer, double steeringCoeff, double gamma, double alpha, String trainableParamsRegex,
        Form form) implements MethodConfig {
    /** The OU/WMDP default block. */
    public static final int DEFAULT_LAYER = 7;

    /** Which activation loss. */
    public enum Form {
        /** [REF OU] masked: per-token mean over d, mean over answer positions, mean over samples. */
        OU,
        /** [REF WMDP] plain mean over all b·s·d elements, no mask. */
        WMDP;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Form parse(String s) {
            return ConfigChecks.choice("form", s, Form.class, e -> List.of(e.label()));
        }
    }

    public RmuConfig {
        if (layer != null && layer < 0) {
            throw new InvalidInputException("Config key 'layer' must be ≥ 0, found " + layer + ".");
        }
        ConfigChecks.positive("steering_coeff", steeringCoeff);
        ConfigChecks.nonNegative("gamma", gamma);
        ConfigChecks.nonNegative("alpha", alpha);
        trainableParamsRegex = trainableParamsRegex == null ? ".*" : trainableParamsRegex;
        try {
            Pattern.compile(trainableParamsRegex);
        } catch (PatternSyntaxException ex) {
            throw new InvalidInputException("Config key 'trainable_params_regex': '" + trainableParamsRegex
                    + "' is not a valid regular expression: " + ex.getDescription() + ".");
        }
        form = form == null ? Form.OU : form;
    }

    public static RmuConfig defaults() {
        return new RmuConfig(null, 2.0, 1.0, 1.0, ".*", Form.OU);
    }

    /** The block to steer for a model of {@code L} blocks; rejects an explicit layer outside {@code 0 … L−1}. */
    public int effectiveLayer(ModelInfo model) {
        int l = model.numLayers();
        if (layer == null) {
            return Math.min(DEFAULT_LAYER, l - 1);
        }
        if (layer > l - 1) {
            throw new InvalidInputException("Config key 'layer' is " + layer + " but the model has " + l
                    + " decoder blocks: use 0 … " + (l - 1) + " (about L/4 to L/2 works for small models).");
        }
        return layer;
    }

    @Override
    public boolean needsRetain() {
        return alpha > 0;
    }

    @Override
    public boolean needsReference() {
        return alpha > 0;
    }

    /** π_ref's output of block ℓ on the retain batch (none known without the model's sizes). */
    @Override
    public List<ReferenceUse> referenceUses(ModelInfo model) {
        return !needsReference() || model == null ? List.of() : List.of(
                ReferenceUse.layerOutput(StepBatch.RETAIN,
                        effectiveLayer(model)));
    }
}

package dev.unlearn.methods.rmu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.data.Batch;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The RMU step (methods.md §7.5) with a fixed control vector (keep {@link #controlVector()} in the checkpoint). */
public final class RmuLoss implements LossMethod {
    private final RmuConfig config;
    private final int layer;
    private final double[] control;
    private final int numLayers;
    private final Pattern trainable;
    private static final Pattern BLOCK = Pattern.compile("(?:^|\\.)layers\\.(\\d+)\\.");

    /**
     * @param layer the resolved block ℓ (see {@link RmuConfig#effectiveLayer})
     * @param numLayers the model's decoder block count
     * @param controlVector {@code c·u/‖u‖}, length d
     */
    public RmuLoss(RmuConfig config, int layer, int numLayers, double[] controlVector) {
        this.config = config;
        this.layer = layer;
        this.numLayers = numLayers;
        this.control = controlVector.clone();
        this.trainable = Pattern.compile(config.trainableParamsRegex());
    }

    public double[] controlVector() {
        return control.clone();
    }

    public int layer() {
        return layer;
    }

    /**
     * Parameters matching {@code trainable_params_regex} that the loss depends on (methods.md §7.6):
     * blocks up to ℓ and the embeddings; the final norm only when ℓ is the last block, whose
     * {@code hidden_states} entry comes after it.
     */
    @Override
    public Predicate<String> trainable() {
        return name -> trainable.matcher(name).find() && dependsOn(name);
    }

    private boolean dependsOn(String name) {
        Matcher mt = BLOCK.matcher(name);
        if (mt.find()) {
            return Integer.parseInt(mt.group(1)) <= layer;
        }
        if (name.contains("embed_tokens")) {
            return true;
        }
        return name.equals("model.norm.weight") && layer == numLayers - 1;
    }

    @Override
    public StepLoss loss(ForwardFn policy, ForwardFn reference, StepBatches b, NDManager m) {
        Map<String, NDArray> terms = new LinkedHashMap<>();
        NDArray hf = policy.layerOutput(b.forget(), layer, m);
        long d = hf.getShape().get(hf.getShape().dimension() - 1);
        if (d != control.length) {
            throw new IllegalStateException("RMU control vector has " + control.length + " entries but layer "
                    + layer + "'s output has width " + d + " (a control vector stored for another model?)");
        }
        NDArray u = m.create(control).toType(hf.getDataType(), false);
        NDArray lossF = act(hf, u, b.forget(), m);
        terms.put("forget", lossF);
        NDArray total = Scalars.mul(lossF, config.gamma());
        if (config.alpha() != 0) {
            if (b.retain() == null || reference == null) {
                throw new IllegalStateException("RMU with alpha > 0 needs a retain batch and the reference forward");
            }
            NDArray hr = policy.layerOutput(b.retain(), layer, m);
            NDArray hr0 = reference.layerOutput(b.retain(), layer, m).stopGradient();
            NDArray lossR = act(hr, hr0, b.retain(), m);
            terms.put("retain", lossR);
            total = total.add(Scalars.mul(lossR, config.alpha()));
        }
        return new StepLoss(total, terms);
    }

    private NDArray act(NDArray a, NDArray target, Batch batch, NDManager m) {
        if (config.form() == RmuConfig.Form.WMDP) {
            return RepresentationMisdirection.wmdpMse(a, target);
        }
        return RepresentationMisdirection.activationLoss(a, target,
                RepresentationMisdirection.answerMask(batch.labels(m), a.getDataType()));
    }
}

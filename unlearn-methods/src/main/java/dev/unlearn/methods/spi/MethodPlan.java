package dev.unlearn.methods.spi;

/**
 * What a method asks the runner to do, one plan per method kind (a closed set):
 *
 * <ul>
 *   <li>{@link LossPlan}: a per-step {@link LossMethod} for core's training loop, with the
 *       {@link LossPlan.Hook hooks} (reference model, reference pass, alternate answers, decoupled
 *       prompts) the runner must provide;</li>
 *   <li>{@link DirectEdit}: a one-shot change of the weights from the tokenised forget and retain data (SSD);</li>
 *   <li>{@link DecodingFilters}: the weights stay, generation is filtered (GUARD).</li>
 * </ul>
 *
 * The runner switches over this sealed type only; it names no concrete method.
 */
public sealed interface MethodPlan permits LossPlan, DirectEdit, DecodingFilters {
    /** The {@link MethodKind} this plan belongs to. */
    MethodKind kind();
}

package dev.unlearn.eval.model;

import dev.unlearn.eval.spi.InputKey;

/**
 * The model-access inputs every {@link Evaluator} context holds, from which a metric's own
 * {@link InputKey#derived derived input} can compute what it needs without a change to
 * {@link ModelInputProvider} or {@link ModelRunner}:
 *
 * <pre>{@code
 * static final InputKey<double[]> LENGTHS = InputKey.derived("toy_forget_lengths", double[].class, c -> {
 *     List<TokenizedExample> ex = c.require(ModelInputs.MODEL).answers(c.require(ModelInputs.DATA).rows(TofuTask.FORGET));
 *     return ex.stream().mapToDouble(e -> e.length() - e.promptLength()).toArray();
 * });
 * }</pre>
 */
public final class ModelInputs {
    /** The runner of the model under test (its tokenizer, template and generation settings). */
    public static final InputKey<ModelRunner> MODEL = InputKey.of("model_runner", ModelRunner.class);
    /** The runner of the retain (retrained) model; absent when none was given. */
    public static final InputKey<ModelRunner> RETAIN = InputKey.of("retain_model_runner", ModelRunner.class);
    /** The runner of the original model before unlearning; absent when none was given. */
    public static final InputKey<ModelRunner> ORIGINAL = InputKey.of("original_model_runner", ModelRunner.class);
    /** The evaluation splits, read once per run. */
    public static final InputKey<EvalData> DATA = InputKey.of("eval_data", EvalData.class);

    private ModelInputs() {}
}

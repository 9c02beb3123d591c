package dev.unlearn.eval.tofu;

import dev.unlearn.eval.spi.InputKey;
import java.util.EnumMap;
import java.util.Map;

/**
 * Input keys the TOFU metrics read from an {@link dev.unlearn.eval.spi.EvaluationContext}.
 *
 * <p>A model-driven provider fills them by scoring the four tasks (§1.2–1.5) into {@link TofuTaskLog}s
 * ({@link TofuTaskLog#fromSamples}); logs computed elsewhere are read with {@link TofuLogs}.
 */
public final class TofuInputs {
    private static final Map<TofuTask, InputKey<TofuTaskLog>> LOGS = new EnumMap<>(TofuTask.class);

    static {
        for (TofuTask t : TofuTask.values()) {
            LOGS.put(t, InputKey.of("tofu_log/" + t.fileName(), TofuTaskLog.class));
        }
    }

    /** Forget log of the retain model, for Forget Quality. */
    public static final InputKey<TofuTaskLog> RETAIN_MODEL_FORGET_LOG = InputKey.of("tofu_retain_model_log/eval_log_forget.json", TofuTaskLog.class);

    /** Arg-max predictions and labels on the forget split (§1.4 positions), for EM and ES. */
    public static final InputKey<TokenPredictions> FORGET_TOKEN_PREDICTIONS = InputKey.of("tofu_forget_token_predictions", TokenPredictions.class);

    /** Fail (instead of warn) when the forget logs of model and retain model differ in size. */
    public static final InputKey<Boolean> STRICT = InputKey.of("strict", Boolean.class);

    private TofuInputs() {}

    /** Key of the model-under-test's log of a task. */
    public static InputKey<TofuTaskLog> log(TofuTask task) {
        return LOGS.get(task);
    }
}

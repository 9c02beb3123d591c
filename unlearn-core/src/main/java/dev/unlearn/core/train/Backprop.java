package dev.unlearn.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.unlearn.core.model.LayerCheckpoints;
import java.util.function.Supplier;

/**
 * The one way the toolkit back-propagates: {@link #backward} is called by the training loop, SSD's
 * importance pass, the worst-case search and the GradNorm attack (an architecture rule keeps other code
 * from calling {@code GradientCollector.backward} itself).
 *
 * <p>It carries a seam for fault injection: {@link #withHook} runs a hook between the forward pass
 * and every backward pass on the calling thread. The gradient-safety tests force a garbage collection
 * there and require gradients bit-identical to a run without it, which catches any tensor whose memory
 * Java frees while autograd still needs it (see {@link dev.unlearn.core.Scalars}).
 */
public final class Backprop {
    private static final ThreadLocal<Runnable> BEFORE_BACKWARD = new ThreadLocal<>();

    private Backprop() {}

    /**
     * Runs this thread's before-backward hook, if any, then {@code gc.backward(loss)}; when a
     * {@link LayerCheckpoints} tape is open on this thread, it then replays the checkpointed layers of the
     * forwards recorded since the last backward, each layer's backward pass also preceded by the hook.
     */
    public static void backward(GradientCollector gc, NDArray loss) {
        hookThenBackward(gc, loss);
        LayerCheckpoints tape = LayerCheckpoints.current();
        if (tape != null) {
            tape.replay(l -> hookThenBackward(gc, l));
        }
    }

    private static void hookThenBackward(GradientCollector gc, NDArray loss) {
        Runnable hook = BEFORE_BACKWARD.get();
        if (hook != null) {
            hook.run();
        }
        gc.backward(loss);
    }

    /** Evaluates {@code body} with {@code hook} run before every backward pass on this thread. */
    public static <T> T withHook(Runnable hook, Supplier<T> body) {
        Runnable previous = BEFORE_BACKWARD.get();
        BEFORE_BACKWARD.set(hook);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                BEFORE_BACKWARD.remove();
            } else {
                BEFORE_BACKWARD.set(previous);
            }
        }
    }
}

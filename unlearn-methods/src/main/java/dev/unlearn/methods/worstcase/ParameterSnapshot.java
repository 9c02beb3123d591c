package dev.unlearn.methods.worstcase;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A saved copy of live weights θ_0 that can be written back in place, so that every outer iteration of
 * the worst-case search restarts from the original model (methods.md §10.2) without reallocating the
 * model: the copies live in one child of the weights' manager, {@link #restore} copies them into the
 * existing arrays, and {@link #close} frees the copies. Native memory therefore stays flat however many
 * times the weights are restored.
 */
public final class ParameterSnapshot implements AutoCloseable {
    private final Map<String, NDArray> live;
    private final Map<String, NDArray> saved = new LinkedHashMap<>();
    private final NDManager manager;

    private ParameterSnapshot(Map<String, NDArray> live) {
        if (live.isEmpty()) {
            throw new IllegalArgumentException("no parameters to snapshot");
        }
        this.live = new LinkedHashMap<>(live);
        this.manager = live.values().iterator().next().getManager().newSubManager();
        for (Map.Entry<String, NDArray> e : live.entrySet()) {
            NDArray detached = e.getValue().stopGradient();
            NDArray copy = detached.duplicate();
            detached.close();
            copy.attach(manager);
            saved.put(e.getKey(), copy);
        }
    }

    /** Copies the current values of {@code parameters} (HF name → live array). */
    public static ParameterSnapshot of(Map<String, NDArray> parameters) {
        return new ParameterSnapshot(parameters);
    }

    /**
     * Writes the saved values back into the live arrays, in place. Gradient tracking is switched off for
     * the copy (an in-place write on a leaf that requires a gradient is refused by PyTorch) and back on
     * afterwards where it was on.
     */
    public void restore() {
        for (Map.Entry<String, NDArray> e : live.entrySet()) {
            NDArray p = e.getValue();
            boolean req = p.hasGradient();
            if (req) {
                p.setRequiresGradient(false);
            }
            p.set(new NDIndex("..."), saved.get(e.getKey()));
            if (req) {
                p.setRequiresGradient(true);
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}

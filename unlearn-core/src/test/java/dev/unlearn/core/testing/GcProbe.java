package dev.unlearn.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.train.Backprop;
import dev.unlearn.core.train.TrainingLoop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Fault injection for gradient safety: a garbage collection, plus fresh allocations that reuse the freed
 * memory with other values, between the forward pass and every backward pass ({@link Backprop}).
 * A tensor whose memory Java owns and frees while autograd still needs it then yields a different
 * gradient; a safe path yields bit-identical gradients.
 */
public final class GcProbe {
    private GcProbe() {}

    /** Three rounds of {@code System.gc()} each followed by 64 small Java-backed arrays full of junk. */
    public static void collectAndScribble() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> junk = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                System.gc();
                for (int i = 0; i < 64; i++) {
                    junk.add(m.create(new float[] {65536f, Float.POSITIVE_INFINITY, -7f, 1e30f}));
                    junk.add(m.create(new double[] {Double.NaN, 3e300}));
                }
            }
        }
    }

    /** Evaluates {@code body} with {@link #collectAndScribble} before every backward pass. */
    public static <T> T withGcBeforeBackward(Supplier<T> body) {
        return Backprop.withHook(GcProbe::collectAndScribble, body);
    }

    /** A loop listener that keeps a copy of every step's gradients. */
    public static final class GradientRecorder implements TrainingLoop.Listener {
        /** step -&gt; parameter name -&gt; gradient values (float32 bits). */
        public final Map<Long, Map<String, float[]>> steps = new LinkedHashMap<>();

        @Override
        public void onGradients(long step, Map<String, NDArray> gradients) {
            Map<String, float[]> copy = new LinkedHashMap<>();
            gradients.forEach((n, g) -> copy.put(n, g.toFloatArray()));
            steps.put(step, copy);
        }
    }

    /** Asserts two recordings hold the same steps, names and bit-identical values. */
    public static void assertBitIdentical(String label, Map<Long, Map<String, float[]>> expected,
            Map<Long, Map<String, float[]>> actual) {
        assertFalse(expected.isEmpty(), label + ": no gradients were recorded");
        assertEquals(expected.keySet(), actual.keySet(), label + ": steps");
        for (Long step : expected.keySet()) {
            assertSameValues(label + " step " + step, expected.get(step), actual.get(step));
        }
    }

    /** Asserts two name -&gt; values maps hold the same names and bit-identical values. */
    public static void assertSameValues(String label, Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet(), label + ": parameter names");
        for (String n : expected.keySet()) {
            float[] e = expected.get(n);
            float[] a = actual.get(n);
            if (!Arrays.equals(e, a)) {
                int i = 0;
                while (i < e.length && Float.floatToRawIntBits(e[i]) == Float.floatToRawIntBits(a[i])) {
                    i++;
                }
                throw new AssertionError(label + ": gradient of " + n + " differs at element " + i + ": " + e[i]
                        + " without the GC, " + a[i] + " with it");
            }
        }
    }

    /** Copies every array of a map to float values. */
    public static Map<String, float[]> values(Map<String, NDArray> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((n, a) -> out.put(n, a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray()));
        return out;
    }
}

package dev.unlearn.methods.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Float64 test helpers: relative/absolute comparisons that check the shape first and name the index. */
public final class Nd {
    private Nd() {}

    /** |a − e| ≤ atol + rtol·|e|. */
    public static void close(double expected, double actual, double rtol, double atol, String what) {
        if (!(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected))) {
            fail(what + ": expected " + expected + ", found " + actual + " (rtol " + rtol + ", atol " + atol + ")");
        }
    }

    /** 1e-9 relative (the spec's default), with a 1e-15 absolute floor for zeros. */
    public static void close(double expected, double actual, String what) {
        close(expected, actual, 1e-9, 1e-15, what);
    }

    public static void close(double[] expected, double[] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            close(expected[i], actual[i], rtol, atol, what + "[" + i + "]");
        }
    }

    public static void close(double[] expected, double[] actual, String what) {
        close(expected, actual, 1e-9, 1e-15, what);
    }

    public static void close(double[] expected, NDArray actual, String what) {
        assertArrayEquals(new long[] {expected.length}, actual.getShape().getShape(), what + ": shape");
        close(expected, actual.toType(DataType.FLOAT64, false).toDoubleArray(), what);
    }

    public static double scalar(NDArray a) {
        assertEquals(new Shape(), a.getShape(), "scalar shape");
        assertEquals(DataType.FLOAT64, a.getDataType(), "float64 compute");
        return a.getDouble();
    }
}

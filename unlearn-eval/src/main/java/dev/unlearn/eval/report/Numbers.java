package dev.unlearn.eval.report;

import java.util.Locale;

/** Number formats of the report's tables and charts; non-finite values read {@code n/a}. */
public final class Numbers {
    private Numbers() {}

    /** Three decimals, two from 10 on, {@code n/a} when not finite. */
    public static String fixed(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.2f" : "%.3f", v == 0 ? 0.0 : v);
    }

    /** A p-value: four decimals from 0.001 on, else scientific with three digits ({@code 3.21e-12}); 0 is {@code 0}. */
    public static String pValue(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        if (v == 0) {
            return "0";
        }
        return v >= 1e-3 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.2e", v);
    }
}

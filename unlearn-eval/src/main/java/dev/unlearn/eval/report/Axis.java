package dev.unlearn.eval.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A chart axis fitted to its data: a linear axis on "nice" steps (1, 2, 5 × 10^k), or a base-10 log
 * axis over the whole decades that hold the positive data. Maps values to pixels and lists ticks.
 */
final class Axis {
    /** One tick: its value, its label ({@code ""} for an unlabelled minor tick), and whether it is major. */
    record Tick(double value, String label, boolean major) {}

    private final boolean log;
    private final double lo;
    private final double hi;
    private final double from;
    private final double to;
    private final List<Tick> ticks;

    private Axis(boolean log, double lo, double hi, double from, double to, List<Tick> ticks) {
        this.log = log;
        this.lo = lo;
        this.hi = hi;
        this.from = from;
        this.to = to;
        this.ticks = List.copyOf(ticks);
    }

    /**
     * A linear axis covering every finite value given, widened to nice steps.
     *
     * @param from pixel of the low end
     * @param to pixel of the high end (smaller than {@code from} for a y axis)
     */
    static Axis linear(double[] values, double from, double to) {
        return linear(values, from, to, 5);
    }

    /** A linear axis with about {@code intervals} steps (at least 1). */
    static Axis linear(double[] values, double from, double to, int intervals) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (min > max) {
            min = 0;
            max = 1;
        }
        if (min == max) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double step = niceStep((max - min) / Math.max(1, intervals));
        double lo = Math.floor(min / step + 1e-9) * step;
        double hi = Math.ceil(max / step - 1e-9) * step;
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        List<Tick> ticks = new ArrayList<>();
        for (long k = Math.round(lo / step); k <= Math.round(hi / step); k++) {
            double v = k * step;
            ticks.add(new Tick(v, String.format(Locale.ROOT, "%." + decimals + "f", v == 0 ? 0.0 : v), true));
        }
        return new Axis(false, lo, hi, from, to, ticks);
    }

    /**
     * A log10 axis from the decade at or below the smallest positive finite value to the decade at or
     * above the largest (at least one decade); zero and negative values lie below it and are drawn at
     * its floor by the caller. Decades are labelled (every k-th when there are many); within a span of
     * up to four decades the 2…9 multiples get minor ticks, and the 2 and 5 multiples labels when the
     * span is two decades or less.
     */
    static Axis log10(double[] values, double from, double to) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v) && v > 0) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (min > max) {
            min = 0.1;
            max = 1;
        }
        int lo = (int) Math.floor(Math.log10(min) + 1e-12);
        int hi = (int) Math.ceil(Math.log10(max) - 1e-12);
        if (hi <= lo) {
            hi = lo + 1;
        }
        int span = hi - lo;
        int every = span <= 8 ? 1 : (int) Math.ceil(span / 8.0);
        List<Tick> ticks = new ArrayList<>();
        for (int e = lo; e <= hi; e++) {
            boolean labelled = (hi - e) % every == 0;
            ticks.add(new Tick(Math.pow(10, e), labelled ? decade(e) : "", labelled));
            if (e < hi && span <= 4) {
                for (int m = 2; m <= 9; m++) {
                    double v = m * Math.pow(10, e);
                    boolean minorLabel = span <= 2 && (m == 2 || m == 5);
                    ticks.add(new Tick(v, minorLabel ? plain(v) : "", false));
                }
            }
        }
        return new Axis(true, Math.pow(10, lo), Math.pow(10, hi), from, to, ticks);
    }

    /** Whether the axis is logarithmic. */
    boolean log() {
        return log;
    }

    /** The low end of the domain (the floor of a log axis). */
    double min() {
        return lo;
    }

    /** The high end of the domain. */
    double max() {
        return hi;
    }

    /** Ticks from low to high. */
    List<Tick> ticks() {
        return ticks;
    }

    /** The pixel of {@code v}, clamped to the axis (a log axis draws 0 and below at its floor). */
    double px(double v) {
        double t;
        if (log) {
            t = v > 0 ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : 0;
        } else {
            t = (v - lo) / (hi - lo);
        }
        t = Math.max(0, Math.min(1, t));
        return from + t * (to - from);
    }

    /** Whether {@code v} lies outside the domain (drawn clamped). */
    boolean clamped(double v) {
        if (log) {
            return !(v >= lo * (1 - 1e-12)) || v > hi * (1 + 1e-12);
        }
        double eps = (hi - lo) * 1e-9;
        return !(v >= lo - eps) || v > hi + eps;
    }

    private static String decade(int e) {
        return e >= -3 && e <= 3 ? plain(Math.pow(10, e)) : "1e" + e;
    }

    private static String plain(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }

    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * p;
    }
}

package dev.unlearn.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.stats.KolmogorovSmirnov;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * How finely forget quality can resolve models on a forget set of a given size. Forget quality is
 * the two-sample KS p-value of the model's forget truth ratios against the retain model's; with
 * {@code n} samples on both sides the statistic is {@code D = k/n} for an integer {@code k ≤ n}, so
 * the p-value takes at most {@code n + 1} values. They are computed here with the same test the
 * metric uses ({@link KolmogorovSmirnov#test}, on samples built to have {@code D = k/n}), so the
 * note states the values a run can actually produce, not a bound.
 *
 * @param forgetSamples the model's forget samples {@code n1}
 * @param retainSamples the retain model's forget samples {@code n2}
 * @param values the distinct achievable p-values, largest first; empty when {@code n1 ≠ n2}
 *     (then only the bound {@code lcm(n1, n2) + 1} is known)
 */
public record ForgetQualityResolution(int forgetSamples, int retainSamples, List<Double> values) {
    /** Metric and series the sizes are read from (those {@code tofu_forget_quality} consumes and writes). */
    static final String FQ_METRIC = "tofu_forget_quality";
    static final String FQ_RETAIN_SERIES = "retain_model_truth_ratio/forget";
    static final String TR_METRIC = "tofu_truth_ratio";
    static final String TR_FORGET_SERIES = "truth_ratio/forget";

    /** Largest size enumerated (the exact test is used up to {@link KolmogorovSmirnov#EXACT_MAX_N}). */
    static final int MAX_ENUMERATED = 2000;
    /** How many of the largest values the note lists. */
    static final int LISTED = 12;

    /** Relative difference below which two p-values count as one (they differ by rounding only). */
    static final double SAME = 1e-9;

    public ForgetQualityResolution {
        values = List.copyOf(values);
    }

    /** The resolution for {@code n1} model and {@code n2} retain-model samples (both at least 1). */
    public static ForgetQualityResolution of(int n1, int n2) {
        if (n1 < 1 || n2 < 1) {
            throw new IllegalArgumentException("sample sizes must be positive, got " + n1 + " and " + n2);
        }
        if (n1 != n2 || n1 > MAX_ENUMERATED) {
            return new ForgetQualityResolution(n1, n2, List.of());
        }
        int n = n1;
        double[] x = new double[n];
        double[] y = new double[n];
        TreeSet<Double> all = new TreeSet<>();
        for (int k = 0; k <= n; k++) {
            for (int i = 0; i < n; i++) {
                x[i] = i;
                y[i] = i + k; // the ECDFs are k/n apart at most: D = k/n
            }
            all.add(KolmogorovSmirnov.test(x, y).pValue());
        }
        // values within SAME of each other (rounding, e.g. 0.9999999999999998 for 1) count once
        List<Double> distinct = new ArrayList<>();
        for (double v : all.descendingSet()) {
            if (distinct.isEmpty() || distinct.get(distinct.size() - 1) - v > SAME * distinct.get(distinct.size() - 1)) {
                distinct.add(v);
            }
        }
        return new ForgetQualityResolution(n1, n2, distinct);
    }

    /** From a per-model report's results, when forget quality ran. */
    public static Optional<ForgetQualityResolution> of(EvaluationReport r) {
        MetricResult fq = r.results().get(FQ_METRIC);
        MetricResult tr = r.results().get(TR_METRIC);
        if (fq == null || tr == null) {
            return Optional.empty();
        }
        Map<String, Map<String, Double>> f = fq.perSample();
        Map<String, Map<String, Double>> t = tr.perSample();
        if (!f.containsKey(FQ_RETAIN_SERIES) || !t.containsKey(TR_FORGET_SERIES) || f.get(FQ_RETAIN_SERIES).isEmpty()
                || t.get(TR_FORGET_SERIES).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(of(t.get(TR_FORGET_SERIES).size(), f.get(FQ_RETAIN_SERIES).size()));
    }

    /** From a per-model {@code report.json} tree ({@link ReportWriter#toJson}), when forget quality ran. */
    public static Optional<ForgetQualityResolution> ofReportJson(JsonNode report) {
        JsonNode f = report.path("metrics").path(FQ_METRIC).path("per_sample").path(FQ_RETAIN_SERIES);
        JsonNode t = report.path("metrics").path(TR_METRIC).path("per_sample").path(TR_FORGET_SERIES);
        if (!f.isObject() || !t.isObject() || f.size() == 0 || t.size() == 0) {
            return Optional.empty();
        }
        return Optional.of(of(t.size(), f.size()));
    }

    /** Number of distinct achievable values (for unequal sizes, the upper bound {@code lcm + 1}). */
    public long distinct() {
        return values.isEmpty() ? lcm(forgetSamples, retainSamples) + 1 : values.size();
    }

    /** The largest achievable value below 1 (one step down from "indistinguishable"), NaN if unknown. */
    public double largestBelowOne() {
        return values.stream().filter(v -> v < 1 - SAME).findFirst().orElse(Double.NaN);
    }

    /** The achievable values at or above {@code level}. */
    public long atOrAbove(double level) {
        return values.stream().filter(v -> v >= level).count();
    }

    /** The two achievable values around {@code level}: {@code [just above or at, just below]}, NaN where none. */
    public double[] around(double level) {
        double above = Double.NaN;
        double below = Double.NaN;
        for (double v : values) {
            if (v >= level) {
                above = v;
            } else if (Double.isNaN(below)) {
                below = v;
            }
        }
        return new double[] {above, below};
    }

    /** The note, as plain text (escape before putting it in HTML). */
    public String note(double significance) {
        StringBuilder sb = new StringBuilder();
        int n1 = forgetSamples;
        int n2 = retainSamples;
        if (values.isEmpty()) {
            long l = lcm(n1, n2);
            sb.append(String.format(Locale.ROOT, "Resolution of forget quality: the KS statistic of %d forget samples against %d of the"
                    + " retain model is a multiple of 1/%d, so forget quality takes at most %d distinct values.", n1, n2, l, l + 1));
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "Resolution of forget quality: with n = %d forget samples (and %d of the retain model),"
                + " the KS statistic can only be k/%d, so forget quality takes only %d distinct values", n1, n2, n1, values.size()));
        sb.append(values.size() <= LISTED ? " (" : String.format(Locale.ROOT, " (the %d largest: ", LISTED));
        for (int i = 0; i < Math.min(LISTED, values.size()); i++) {
            sb.append(i == 0 ? "" : ", ").append(fine(values.get(i)));
        }
        sb.append(values.size() <= LISTED ? ")." : ", …).");
        double top = largestBelowOne();
        if (Double.isFinite(top)) {
            sb.append(" The largest value below 1 is ").append(fine(top)).append('.');
        }
        if (Double.isFinite(significance)) {
            double[] a = around(significance);
            sb.append(String.format(Locale.ROOT, " %d of them lie at or above %s", atOrAbove(significance), Numbers.fixed(significance)));
            if (Double.isFinite(a[0]) && Double.isFinite(a[1]) && a[1] > 0) {
                sb.append(String.format(Locale.ROOT, "; next to it the achievable values are %s and %s, a step of %.1f× on the log axis",
                        Numbers.pValue(a[0]), Numbers.pValue(a[1]), a[0] / a[1]));
            }
            sb.append('.');
        }
        sb.append(" Models with the same forget quality may still differ, and a difference of one step is a difference of one"
                + " sample's worth of the KS statistic; a larger forget set resolves finer.");
        return sb.toString();
    }

    /** A p-value with the digits that tell values near 1 apart (0.99999239, not 1.0000). */
    private static String fine(double v) {
        if (v == 1) {
            return "1";
        }
        if (v >= 0.999) {
            // enough decimals to show the first digit that differs from 1
            int d = Math.min(15, (int) Math.ceil(-Math.log10(1 - v)) + 1);
            return String.format(Locale.ROOT, "%." + d + "f", v);
        }
        return Numbers.pValue(v);
    }

    private static long lcm(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }
}

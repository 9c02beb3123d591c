package dev.unlearn.eval.report;

import dev.unlearn.eval.stats.RocAuc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts, drawn with XChart and encoded as PNG bytes ({@link BitmapEncoder}); headless.
 *
 * <p>Charts: truth-ratio histograms (model vs retain model), CKA by layer, MIA ROC curves. Forget
 * quality against model utility is an SVG chart ({@link ParetoPlot}), since it needs a log axis fitted
 * to the data, reference lines and label placement.
 */
public final class Plots {
    /** Chart width in pixels. */
    public static final int WIDTH = 720;
    /** Chart height in pixels. */
    public static final int HEIGHT = 440;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {}

    /** A model's position in the FQ–MU plane. */
    public record ModelPoint(String name, double forgetQuality, double modelUtility) {}

    /** Overlapping histograms of per-sample truth ratios, one series per model. */
    public static byte[] truthRatioHistogram(Map<String, ? extends Collection<Double>> series, int bins) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Collection<Double> v : series.values()) {
            for (double d : v) {
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
        }
        if (!(max > min)) {
            max = min + 1;
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Truth ratio on the forget set").xAxisTitle("truth ratio R = P(perturbed) / P(paraphrased)").yAxisTitle("samples").build();
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisDecimalPattern("0.00");
        chart.getStyler().setXAxisLabelRotation(45);
        for (Map.Entry<String, ? extends Collection<Double>> e : series.entrySet()) {
            Histogram h = new Histogram(e.getValue(), bins, min, max);
            chart.addSeries(e.getKey(), h.getxAxisData(), h.getyAxisData());
        }
        return png(chart);
    }

    /** CKA (y) by layer (x), one line per series (e.g. {@code to retrained / forget}). */
    public static byte[] ckaByLayer(Map<String, Map<Integer, Double>> curves) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Linear CKA by layer").xAxisTitle("layer").yAxisTitle("CKA").build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        for (Map.Entry<String, Map<Integer, Double>> e : curves.entrySet()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            e.getValue().forEach((l, v) -> {
                x.add((double) l);
                y.add(v);
            });
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        return png(chart);
    }

    /** ROC curves of MIA attacks (holdout = positive), with the chance diagonal. */
    public static byte[] rocCurves(Map<String, List<RocAuc.Point>> curves) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Membership inference ROC (forget vs holdout)")
                .xAxisTitle("false positive rate (forget)").yAxisTitle("true positive rate (holdout)").build();
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        for (Map.Entry<String, List<RocAuc.Point>> e : curves.entrySet()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (RocAuc.Point p : e.getValue()) {
                x.add(p.falsePositiveRate());
                y.add(p.truePositiveRate());
            }
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
        }
        chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1}).setMarker(SeriesMarkers.NONE);
        return png(chart);
    }

    static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode chart '" + chart.getTitle() + "' as PNG", e);
        }
    }
}

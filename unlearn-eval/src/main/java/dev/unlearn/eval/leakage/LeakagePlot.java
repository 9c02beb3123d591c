package dev.unlearn.eval.leakage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Bar chart of leakage differences (model − retain) per attack, one series per model; PNG bytes. */
public final class LeakagePlot {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private LeakagePlot() {}

    /**
     * @param attacks attack names (x axis)
     * @param differences per model, per attack, the difference (NaN drawn as 0)
     */
    public static byte[] differences(List<String> attacks, Map<String, Map<String, Double>> differences) {
        CategoryChart chart = new CategoryChartBuilder().width(720).height(440).title("Leakage: recovered knowledge, model − retain model")
                .xAxisTitle("attack").yAxisTitle("difference").build();
        chart.getStyler().setXAxisLabelRotation(30);
        for (Map.Entry<String, Map<String, Double>> e : differences.entrySet()) {
            List<Double> y = new ArrayList<>();
            for (String a : attacks) {
                Double v = e.getValue().get(a);
                y.add(v == null || !Double.isFinite(v) ? 0.0 : v);
            }
            chart.addSeries(e.getKey(), attacks, y);
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot encode the leakage chart", ex);
        }
    }
}

package dev.unlearn.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.eval.report.ParetoPlot.Kind;
import dev.unlearn.eval.report.ParetoPlot.Point;
import dev.unlearn.eval.stats.KolmogorovSmirnov;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** The SVG charts: axes fitted to the data, reference lines, Pareto front, labels clear of each other, bars. */
class ChartsTest {
    /** The demo's figures (forget quality on n = 20 takes few values; several models share a spot). */
    static List<Point> demo() {
        return List.of(new Point("full", 0.906, 0.0011158, Kind.BASELINE), new Point("retain", 0.900, 1.0, Kind.REFERENCE),
                new Point("ga", 0.0, 0.0811, Kind.CANDIDATE), new Point("graddiff", 0.0, 0.0011158, Kind.CANDIDATE),
                new Point("npo", 0.655, 0.0123, Kind.CANDIDATE), new Point("simnpo", 0.888, 0.0811, Kind.CANDIDATE),
                new Point("flat", 0.704, 0.00397, Kind.CANDIDATE), new Point("ssd", 0.889, 0.0011158, Kind.CANDIDATE),
                new Point("rmu", 0.904, 0.0011158, Kind.CANDIDATE), new Point("pd-npo", 0.721, 0.00397, Kind.CANDIDATE));
    }

    @Test
    void logAxisCoversTheDecadesOfTheData() {
        Axis a = Axis.log10(new double[] {0.0011, 0.05, 1.0, 0.0, Double.NaN}, 300, 0);
        assertEquals(1e-3, a.min(), 1e-18, "floor is the decade below the smallest positive value, not 1e-30");
        assertEquals(1.0, a.max(), 0);
        List<String> major = a.ticks().stream().filter(Axis.Tick::major).map(Axis.Tick::label).toList();
        assertEquals(List.of("0.001", "0.01", "0.1", "1"), major);
        assertEquals(300, a.px(0.0), 1e-9, "0 (underflowed p-value) is drawn on the floor");
        assertTrue(a.clamped(0.0));
        assertFalse(a.clamped(0.0011));
        assertEquals(200, a.px(0.01), 1e-9);

        Axis wide = Axis.log10(new double[] {3e-21, 1}, 0, 100);
        assertEquals(-21, Math.round(Math.log10(wide.min())));
        long labels = wide.ticks().stream().filter(t -> !t.label().isEmpty()).count();
        assertTrue(labels <= 9, "at most ~8 decade labels over 21 decades, got " + labels);
        assertTrue(wide.ticks().stream().anyMatch(t -> t.label().equals("1e-21") || t.label().equals("1e-20")));
    }

    @Test
    void linearAxisUsesNiceSteps() {
        Axis a = Axis.linear(new double[] {0.0, 0.906}, 0, 100);
        assertEquals(0, a.min(), 0);
        assertEquals(1.0, a.max(), 1e-12);
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), a.ticks().stream().map(Axis.Tick::label).toList());
        Axis neg = Axis.linear(new double[] {-0.31, 0.12}, 0, 100, 3);
        assertTrue(neg.min() <= -0.31 && neg.max() >= 0.12);
        assertTrue(neg.ticks().stream().anyMatch(t -> t.value() == 0));
    }

    @Test
    void paretoFrontIsTheNonDominatedCandidates() {
        List<String> front = ParetoPlot.front(demo()).stream().map(Point::name).toList();
        // simnpo has the best FQ among candidates at high utility, rmu the best utility; the rest are dominated.
        // full (baseline) and retain (reference) are not candidates.
        assertEquals(List.of("simnpo", "rmu"), front);
        List<Point> ties = List.of(new Point("a", 0.5, 0.1, Kind.CANDIDATE), new Point("b", 0.5, 0.1, Kind.CANDIDATE),
                new Point("c", Double.NaN, 1.0, Kind.CANDIDATE));
        assertEquals(List.of("a", "b"), ParetoPlot.front(ties).stream().map(Point::name).toList(), "equal points both stay");
    }

    @Test
    void paretoPlotHasFittedLogAxisReferenceLinesAndFront() {
        SvgCheck svg = SvgCheck.parse(ParetoPlot.svg("FQ vs MU", demo(), ParetoPlot.SIGNIFICANCE));
        assertTrue(svg.cls().contains("pareto"));
        List<String> yTicks = svg.texts(SvgCheck.inGroup("axis-y", "text"));
        assertEquals(List.of("0.001", "0.01", "0.1", "1"), yTicks, "log axis over the data's three decades");
        assertEquals(1, svg.select(SvgCheck.inGroup("ref-fq", "line")).size(), "retain forget-quality line");
        assertEquals(1, svg.select(SvgCheck.inGroup("ref-mu", "line")).size(), "retain utility line");
        List<Element> sig = svg.select(SvgCheck.inGroup("sig-line", "line"));
        assertEquals(1, sig.size(), "the 0.05 line");
        // 0.05 lies between the 0.01 and 0.1 grid lines
        double y01 = Double.parseDouble(svg.select("//g[contains(@class,'axis-y')]/text[.='0.1']").get(0).getAttribute("y"));
        double y001 = Double.parseDouble(svg.select("//g[contains(@class,'axis-y')]/text[.='0.01']").get(0).getAttribute("y"));
        double ys = Double.parseDouble(sig.get(0).getAttribute("y1")) + 4;
        assertTrue(ys > y01 && ys < y001, "0.05 at " + ys + " between 0.1 at " + y01 + " and 0.01 at " + y001);
        assertEquals(1, svg.select(SvgCheck.inGroup("pareto-front", "path")).size());
        assertEquals(2, svg.select("//g[contains(@class,'on-front')]").size());
        assertEquals(10, svg.select("//g[contains(@class,'marker')]").size(), "one marker per model");
        assertTrue(svg.texts("//text").contains("p = 0.050"));
    }

    @Test
    void pointLabelsDoNotOverlapAndCoincidentModelsShareOne() {
        SvgCheck svg = SvgCheck.parse(ParetoPlot.svg("FQ vs MU", demo(), ParetoPlot.SIGNIFICANCE));
        List<Element> labels = svg.select("//text[@class='point-label']");
        List<String> text = labels.stream().map(Element::getTextContent).toList();
        assertTrue(text.contains("full, rmu") || text.contains("rmu, full"), "models on one spot share a label: " + text);
        for (String n : List.of("ga", "graddiff", "npo", "simnpo", "flat", "ssd", "pd-npo", "retain")) {
            assertTrue(text.stream().anyMatch(t -> List.of(t.split(", ")).contains(n)), n + " labelled: " + text);
        }
        List<LabelPlacer.Box> boxes = new ArrayList<>();
        for (Element e : labels) {
            double x = Double.parseDouble(e.getAttribute("x"));
            double y = Double.parseDouble(e.getAttribute("y"));
            double w = Svg.textWidth(e.getTextContent(), Svg.FONT);
            String anchor = e.getAttribute("text-anchor");
            double x0 = anchor.equals("start") ? x : anchor.equals("end") ? x - w : x - w / 2;
            boxes.add(new LabelPlacer.Box(x0, y - Svg.FONT * 0.85, x0 + w, y + Svg.FONT * 0.25));
        }
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                assertEquals(0, boxes.get(i).overlap(boxes.get(j)), 1e-9, text.get(i) + " overlaps " + text.get(j));
            }
        }
    }

    @Test
    void zeroForgetQualitySitsOnTheFloorAndSaysSo() {
        List<Point> pts = List.of(new Point("a", 0.5, 0.0, Kind.CANDIDATE), new Point("b", 0.6, 3e-5, Kind.CANDIDATE),
                new Point("c", Double.NaN, 0.2, Kind.CANDIDATE));
        SvgCheck svg = SvgCheck.parse(ParetoPlot.svg("t", pts, ParetoPlot.SIGNIFICANCE));
        assertEquals(1, svg.select("//g[contains(@class,'below-axis')]").size());
        assertTrue(svg.texts("//text[@class='point-label']").contains("a (FQ < 1.00e-05)"), svg.texts("//text").toString());
        assertTrue(svg.texts("//text").contains("not drawn (no value): c"));
    }

    @Test
    void barChartHasABarPerModelAndTheReferenceLine() {
        List<BarChart.Bar> bars = List.of(new BarChart.Bar("full", 0.906, Kind.BASELINE), new BarChart.Bar("retain", 0.9, Kind.REFERENCE),
                new BarChart.Bar("a-rather-long-method-label", -0.2, Kind.CANDIDATE), new BarChart.Bar("none", Double.NaN, Kind.CANDIDATE));
        SvgCheck svg = SvgCheck.parse(BarChart.svg("model_utility", bars, false, Double.NaN));
        assertTrue(svg.cls().contains("bars"));
        assertEquals("model_utility", svg.texts("//text[@class='bars-title']").get(0));
        assertEquals(3, svg.select("//g[contains(@class,'bar ')]/rect").size(), "a bar per finite value");
        assertEquals(List.of("0.906", "0.900", "-0.200", "n/a"), svg.texts("//text[contains(@class,'bar-value')]"));
        assertEquals(1, svg.select(SvgCheck.inGroup("ref-line", "line")).size());
        assertTrue(svg.texts("//text").contains("a-rather-long-…"), "long names are shortened (tooltip keeps them)");

        SvgCheck log = SvgCheck.parse(BarChart.svg("forget_quality", List.of(new BarChart.Bar("x", 0.0011, Kind.CANDIDATE),
                new BarChart.Bar("r", 1.0, Kind.REFERENCE)), true, ParetoPlot.SIGNIFICANCE));
        assertTrue(log.texts(SvgCheck.inGroup("axis-x", "text")).containsAll(List.of("0.001", "1")));
        assertEquals(1, log.select(SvgCheck.inGroup("sig-line", "line")).size());
    }

    @Test
    void resolutionListsTheAchievableForgetQualities() {
        ForgetQualityResolution r = ForgetQualityResolution.of(10, 10);
        // D = k/10, k = 0..10; k = 0 and k = 1 both give p = 1, so 10 distinct values
        assertEquals(10, r.distinct());
        assertEquals(1.0, r.values().get(0), 0);
        for (int k = 2; k <= 10; k++) {
            double[] x = new double[10];
            double[] y = new double[10];
            for (int i = 0; i < 10; i++) {
                x[i] = i;
                y[i] = i + k;
            }
            assertEquals(KolmogorovSmirnov.test(x, y).pValue(), r.values().get(k - 1), 0, "value for D = " + k + "/10");
        }
        assertTrue(r.largestBelowOne() > 0.99 && r.largestBelowOne() < 1, "p(D = 0.2) = " + r.largestBelowOne());
        double[] around = r.around(0.05);
        assertTrue(around[0] >= 0.05 && around[1] < 0.05);
        String note = r.note(0.05);
        assertTrue(note.contains("n = 10 forget samples") && note.contains("10 distinct values"), note);

        ForgetQualityResolution twenty = ForgetQualityResolution.of(20, 20);
        assertTrue(twenty.distinct() >= 19 && twenty.distinct() <= 21, "n = 20: " + twenty.values());
        assertTrue(twenty.note(0.05).contains("The largest value below 1 is 0.99999"), twenty.note(0.05));

        ForgetQualityResolution unequal = ForgetQualityResolution.of(4, 6);
        assertEquals(13, unequal.distinct(), "lcm(4, 6) + 1 bound");
        assertTrue(unequal.note(0.05).contains("at most 13"));
    }
}

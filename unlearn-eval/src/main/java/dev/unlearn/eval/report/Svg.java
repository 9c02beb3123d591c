package dev.unlearn.eval.report;

import java.util.Locale;

/**
 * A minimal SVG writer for the report's charts: elements are appended in paint order, coordinates
 * are written with one decimal, text is escaped. Charts carry a {@code viewBox} and scale to the page
 * width, so they stay sharp at any zoom and need no file beside the HTML.
 *
 * <p>Hand-written rather than a plotting library: XChart (already a dependency, used for the PNG
 * charts) draws log axes with a label per decade and offers no label placement, and the charts here
 * need both; an inline SVG is also what a test can read back (tick labels, reference lines, bars).
 */
final class Svg {
    /** Font size of tick and point labels, in user units. */
    static final double FONT = 11;

    private final StringBuilder sb = new StringBuilder();

    /**
     * @param cls the chart's {@code class} attribute, read by tests and CSS
     * @param label accessible name of the chart
     */
    Svg(double width, double height, String cls, String label) {
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"").append(esc(cls)).append("\" viewBox=\"0 0 ")
                .append(n(width)).append(' ').append(n(height)).append("\" width=\"").append(n(width)).append("\" height=\"")
                .append(n(height)).append("\" role=\"img\" aria-label=\"").append(esc(label)).append("\" font-family=\"sans-serif\" font-size=\"")
                .append(n(FONT)).append("\">");
        sb.append("<title>").append(esc(label)).append("</title>");
    }

    /** Opens a group with a {@code class} (e.g. {@code ref-retain}, {@code pareto-front}). */
    Svg group(String cls) {
        sb.append("<g class=\"").append(esc(cls)).append("\">");
        return this;
    }

    /** Closes the innermost group. */
    Svg end() {
        sb.append("</g>");
        return this;
    }

    /** A line; {@code style} is extra attributes, e.g. {@code stroke="#888" stroke-dasharray="4 3"}. */
    Svg line(double x1, double y1, double x2, double y2, String style) {
        sb.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2)).append("\" y2=\"")
                .append(n(y2)).append("\" ").append(style).append("/>");
        return this;
    }

    /** A rectangle. */
    Svg rect(double x, double y, double w, double h, String style) {
        sb.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(Math.max(0, w)))
                .append("\" height=\"").append(n(Math.max(0, h))).append("\" ").append(style).append("/>");
        return this;
    }

    /** A circle. */
    Svg circle(double cx, double cy, double r, String style) {
        sb.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy)).append("\" r=\"").append(n(r)).append("\" ")
                .append(style).append("/>");
        return this;
    }

    /** A polyline or polygon path from {@code (x, y)} pairs. */
    Svg path(double[] xy, boolean closed, String style) {
        sb.append("<path d=\"");
        for (int i = 0; i < xy.length; i += 2) {
            sb.append(i == 0 ? 'M' : 'L').append(n(xy[i])).append(' ').append(n(xy[i + 1]));
        }
        if (closed) {
            sb.append('Z');
        }
        sb.append("\" ").append(style).append("/>");
        return this;
    }

    /** Text; {@code anchor} is {@code start}, {@code middle} or {@code end}. */
    Svg text(double x, double y, String anchor, String text, String style) {
        sb.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" text-anchor=\"").append(anchor).append("\"")
                .append(style.isEmpty() ? "" : " " + style).append('>').append(esc(text)).append("</text>");
        return this;
    }

    /** Text rotated by -90° around its anchor (a vertical axis title). */
    Svg verticalText(double x, double y, String text) {
        sb.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" text-anchor=\"middle\" transform=\"rotate(-90 ")
                .append(n(x)).append(' ').append(n(y)).append(")\">").append(esc(text)).append("</text>");
        return this;
    }

    /** A tooltip for the element group that is open. */
    Svg tooltip(String text) {
        sb.append("<title>").append(esc(text)).append("</title>");
        return this;
    }

    /** The finished document. */
    String done() {
        return sb + "</svg>";
    }

    /** Estimated width of {@code s} in user units at {@code size} (sans-serif, average glyph 0.58 em). */
    static double textWidth(String s, double size) {
        return s.length() * size * 0.58;
    }

    static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

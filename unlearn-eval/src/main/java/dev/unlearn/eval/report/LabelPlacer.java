package dev.unlearn.eval.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Places point labels so they overlap neither each other nor the markers: for each label, in the
 * order given, it tries eight positions around the marker at growing distances and takes the first
 * free one inside the bounds; when none is free, the one with the least overlap. Labels away from
 * their marker get a leader line.
 */
final class LabelPlacer {
    /** An axis-aligned box. */
    record Box(double x0, double y0, double x1, double y1) {
        double overlap(Box o) {
            double w = Math.min(x1, o.x1) - Math.max(x0, o.x0);
            double h = Math.min(y1, o.y1) - Math.max(y0, o.y0);
            return w > 0 && h > 0 ? w * h : 0;
        }

        boolean inside(Box o) {
            return x0 >= o.x0 && x1 <= o.x1 && y0 >= o.y0 && y1 <= o.y1;
        }
    }

    /** A placed label: text baseline position, anchor, and whether it needs a leader line. */
    record Placed(double x, double y, String anchor, boolean leader, Box box) {}

    private static final double[][] DIRECTIONS = {{1, 0}, {-1, 0}, {0, -1}, {0, 1}, {1, -1}, {1, 1}, {-1, -1}, {-1, 1}};
    private static final double[] DISTANCES = {9, 22, 38, 56};

    private final Box bounds;
    private final List<Box> taken = new ArrayList<>();

    LabelPlacer(Box bounds) {
        this.bounds = bounds;
    }

    /** Marks a region (a marker, a line label) as taken. */
    void block(Box b) {
        taken.add(b);
    }

    /** Places {@code text} near the marker at {@code (x, y)} and marks its box as taken. */
    Placed place(double x, double y, String text) {
        double w = Svg.textWidth(text, Svg.FONT);
        double h = Svg.FONT;
        Placed best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (double d : DISTANCES) {
            for (double[] dir : DIRECTIONS) {
                double lx = x + dir[0] * d;
                double ly = y + dir[1] * d;
                String anchor = dir[0] > 0 ? "start" : dir[0] < 0 ? "end" : "middle";
                double x0 = anchor.equals("start") ? lx : anchor.equals("end") ? lx - w : lx - w / 2;
                // vertical: centred on the marker row when horizontal, else above/below it
                double baseline = dir[1] == 0 ? ly + h * 0.35 : dir[1] < 0 ? ly : ly + h * 0.8;
                Box box = new Box(x0, baseline - h * 0.85, x0 + w, baseline + h * 0.25);
                double cost = box.inside(bounds) ? 0 : 1e6;
                for (Box t : taken) {
                    cost += box.overlap(t);
                }
                cost += d * 1e-3; // among equal overlaps, prefer close
                if (cost < bestCost) {
                    bestCost = cost;
                    best = new Placed(lx, baseline, anchor, d > DISTANCES[0], box);
                }
                if (cost < 1) {
                    taken.add(box);
                    return best;
                }
            }
        }
        taken.add(best.box());
        return best;
    }
}

package dev.unlearn.cli.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The figures' names and order, as the audit log's figures_before/figures_after carry them. */
class FiguresTest {
    @Test
    void asMapNamesEveryFigureInOrder() {
        Map<String, Double> m = new RequestVerifier.Figures(0.5, 0.25, 0.75, 0.125, 0.875, 7).asMap();
        assertEquals(List.of("forget_probability", "forget_rougeL_recall", "mia_auc", "extraction_rate", "retain_probability"),
                List.copyOf(m.keySet()));
        assertEquals(List.of(0.5, 0.25, 0.75, 0.125, 0.875), List.copyOf(m.values()));
    }
}

package dev.unlearn.eval.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Test vector A5 of spec §1.6. */
class RougeTest {
    private static final double TOL = 1e-12;
    /** target, prediction, T tokens, P tokens, L-prec, L-recall, L-F1, R1-recall. */
    private static final Object[][] A5 = {
        {"The author's full name is Hsiao Yun-Hwa.", "The author's name is Hsiao Yun Hwa, born in Taipei.",
            "the author s full name is hsiao yun hwa", "the author s name is hsiao yun hwa born in taipei",
            0.727272727273, 0.888888888889, 0.8, 0.888888888889},
        {"Jaime Vasquez's father was a renowned chef.", "His father worked as a chef, and his mother was a painter.",
            "jaim vasquez s father was a renown chef", "his father work as a chef and his mother was a painter",
            0.25, 0.375, 0.3, 0.5},
        {"William Shakespeare", "The play 'Romeo and Juliet' was written by William Shakespeare.",
            "william shakespear", "the play romeo and juliet was written by william shakespear", 0.2, 1.0, 0.333333333333, 1.0},
        {"Her books explore themes of identity, belonging and resilience.",
            "Her works often explore identities and the theme of belonging.",
            "her book explor theme of ident belong and resili", "her work often explor ident and the theme of belong",
            0.5, 0.555555555556, 0.526315789474, 0.777777777778},
        {"Café naïve résumé", "cafe naive resume", "caf na ve r sum", "cafe naiv resum", 0.0, 0.0, 0.0, 0.0},
        {"", "anything", "", "anyth", 0.0, 0.0, 0.0, 0.0},
        {"Nobel Prize", "!!! ...", "nobel prize", "", 0.0, 0.0, 0.0, 0.0},
    };

    private static List<String> split(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(" "));
    }

    @Test
    void vectorA5Stemmed() {
        Rouge rouge = new Rouge(true);
        for (Object[] row : A5) {
            String t = (String) row[0];
            String p = (String) row[1];
            assertEquals(split((String) row[2]), RougeTokenizer.tokenize(t, true), "target tokens of " + t);
            assertEquals(split((String) row[3]), RougeTokenizer.tokenize(p, true), "prediction tokens of " + p);
            RougeScore l = rouge.rougeL(t, p);
            // The table prints 12 decimals.
            assertEquals((double) row[4], l.precision(), 5e-13, "L precision " + t);
            assertEquals((double) row[5], l.recall(), 5e-13, "L recall " + t);
            assertEquals((double) row[6], l.f1(), 5e-13, "L f1 " + t);
            assertEquals((double) row[7], rouge.rouge1(t, p).recall(), 5e-13, "R1 recall " + t);
        }
    }

    @Test
    void row4WithoutStemming() {
        RougeScore l = new Rouge(false).rougeL((String) A5[3][0], (String) A5[3][1]);
        assertEquals(0.444444444444, l.recall(), 5e-13);
        assertEquals(0.421052631579, l.f1(), 5e-13);
        assertEquals(4.0 / 9.0, l.recall(), TOL);
    }

    @Test
    void batchKeysAndValues() {
        List<Map<String, Double>> out = RougeBatch.score(
                List.of(new RougeBatch.Pair((String) A5[0][1], (String) A5[0][0])), true);
        assertEquals(RougeBatch.KEYS, List.copyOf(out.get(0).keySet()));
        assertEquals(8.0 / 9.0, out.get(0).get("rougeL_recall"), TOL);
        assertEquals(8.0 / 11.0, out.get(0).get("rougeL_precision"), TOL);
        assertEquals(0.8, out.get(0).get("rougeL_f1"), TOL);
    }

    @Test
    void specialLowercaseCodePoints() {
        // U+0130 lower-cases to i + U+0307 (a separator), U+212A to k.
        assertEquals(List.of("i", "stanbul"), RougeTokenizer.tokenize("\u0130stanbul", false));
        assertEquals(List.of("kelvin"), RougeTokenizer.tokenize("\u212Aelvin", false));
    }
}

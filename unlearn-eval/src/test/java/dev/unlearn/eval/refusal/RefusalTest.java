package dev.unlearn.eval.refusal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.testing.Fixtures;
import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.Metrics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Test vectors E and E-SARR of spec §6, with the shared TOFU template file. */
class RefusalTest {
    static Path templates() {
        return Fixtures.fixture("refusal", "tofu-idontknow.jsonl");
    }

    static final Object[][] E = {
        {"I'm not sure I can answer that.", false, true},
        {"I'm sorry, but I cannot help with that request.", true, false},
        {"The author's full name is Hsiao Yun-Hwa.", false, false},
        {"That\u2019s beyond my current knowledge base. Maybe try a library.", false, true},
        {"As an AI, I do not have personal opinions.", true, false},
        {"i'm sorry", false, false},
        {"Hello! Jaime Vasquez was born in Santiago.", true, false},
    };

    @Test
    void vectorE() {
        TofuIdk idk = TofuIdk.load(templates());
        assertEquals(100, idk.templates().size(), "the shared file holds 100 templates");
        RefusalDetector combined = RefusalDetector.byName("combined", templates());
        for (Object[] row : E) {
            String r = (String) row[0];
            assertEquals(row[1], GcgPrefixes.INSTANCE.isRefusal(r), "gcg-prefixes: " + r);
            assertEquals(row[2], idk.isRefusal(r), "tofu-idk: " + r);
            assertEquals((boolean) row[1] || (boolean) row[2], combined.isRefusal(r), "combined: " + r);
        }
        assertEquals(29, GcgPrefixes.PREFIXES.size());
    }

    @Test
    void vectorESarr() {
        boolean[] flags = {false, true, false, false};
        assertEquals(25.0, RefusalRates.rateOfFlags(flags), 0.0);
        List<String> safe = List.of("Her first book was published in 1998.", "I'm sorry, I cannot help.", "She lives in Lima.", "Yes, in 2004.");
        assertEquals(25.0, RefusalRates.sarr(safe, RefusalDetector.byName("combined", templates())), 0.0);
    }

    @Test
    void degenerateHeuristic() {
        assertTrue(DegenerateOutput.isDegenerate(""));
        assertTrue(DegenerateOutput.isDegenerate("!!! ??? ..."));
        assertTrue(DegenerateOutput.isDegenerate("the author the author the author the author was"));
        assertTrue(DegenerateOutput.isDegenerate("xkcd qwrtp zzpf grrk"));
        assertTrue(DegenerateOutput.isDegenerate("a a a b a a a b a a a b a a"));
        assertFalse(DegenerateOutput.isDegenerate("Paris."));
        assertFalse(DegenerateOutput.isDegenerate("No."));
        assertFalse(DegenerateOutput.isDegenerate("The author's full name is Hsiao Yun-Hwa, born in Taipei in 1968."));
        assertFalse(DegenerateOutput.isDegenerate("Her books explore themes of identity, belonging and resilience."));
    }

    @Test
    void metricsThroughRegistry() {
        Map<String, String> forget = new LinkedHashMap<>();
        forget.put("0", "I'm not sure.");
        forget.put("1", "Hsiao Yun-Hwa.");
        Map<String, String> safe = new LinkedHashMap<>();
        safe.put("0", "She was born in Taipei.");
        safe.put("1", "I'm sorry, I can't.");
        safe.put("2", "the the the the the");
        safe.put("3", "Her father was a chef.");
        EvaluationContext c = new EvaluationContext()
                .put(RefusalInputs.RESPONSES, new RefusalInputs.Responses(Map.of("forget", forget)))
                .put(RefusalInputs.SAFE_RESPONSES, new RefusalInputs.Responses(Map.of("retain", safe)))
                .put(RefusalInputs.IDK_TEMPLATES, templates());
        Map<String, MetricResult> r = Metrics.run(List.of("refusal_rate", "refusal_sarr"), c);
        assertEquals(50.0, r.get("refusal_rate").scalar("refusal_rate/forget"), 0.0);
        assertEquals(25.0, r.get("refusal_sarr").scalar("sarr"), 0.0);
        assertEquals(50.0, r.get("refusal_sarr").scalar("not_meaningful_rate"), 0.0);
        assertEquals(1.0, r.get("refusal_sarr").series("degenerate").get("2"), 0.0);
    }
}

package dev.unlearn.methods.flat;

import dev.unlearn.methods.spi.TemplateFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.testing.Fixtures;
import dev.unlearn.methods.spi.TemplateSampler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TOFU template file (methods.md §5.4) and the per-fetch sampler. */
class TemplateTest {
    @Test
    void readsTofuIdontknowWithItsDigest() {
        TemplateFile.Templates t = TemplateFile.read(Fixtures.fixture("refusal", "tofu-idontknow.jsonl"));
        assertEquals(TemplateFile.TOFU_IDONTKNOW_SHA256, t.sha256());
        assertEquals(100, t.templates().size());
        assertEquals(100, new HashSet<>(t.templates()).size(), "all distinct");
        t.templates().forEach(s -> assertEquals(s.strip(), s));
    }

    @Test
    void samplerIsSeededAndRedrawsPerFetch() {
        List<String> tpl = List.of("a", "b", "c", "d", "e");
        TemplateSampler s1 = new TemplateSampler(tpl, 42);
        TemplateSampler s2 = new TemplateSampler(tpl, 42);
        List<String> d1 = new ArrayList<>();
        List<String> d2 = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            d1.add(s1.next());
            d2.add(s2.next());
        }
        assertEquals(d1, d2);
        assertTrue(new HashSet<>(d1).size() == 5, "every template gets drawn");
        TemplateSampler s3 = new TemplateSampler(tpl, 43);
        List<String> d3 = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            d3.add(s3.next());
        }
        assertNotEquals(d1, d3);
    }
}

package dev.unlearn.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import org.junit.jupiter.api.Test;

/** {@code unlearn methods} lists every registered method with its keys and defaults. */
class MethodsCommandTest {
    @Test
    void listsMethodsKeysAndDefaults() {
        CliRun r = CliRun.of("methods");
        assertEquals(0, r.code(), r.toString());
        for (String m : new String[] {"ga", "graddiff", "npo", "simnpo", "flat", "ssd", "rmu", "pd", "guard"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(m + " ")), m + " missing:\n" + r.out());
        }
        assertTrue(r.out().contains("selection_weighting"), r.out());
    }

    @Test
    void jsonHasDefaults() throws Exception {
        CliRun r = CliRun.of("methods", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(0.1, n.at("/npo/defaults/beta").asDouble(), 0);
        assertEquals("total-variation", n.at("/flat/defaults/divergence").asText());
        assertEquals("direct_edit", n.at("/ssd/kind").asText());
    }

    @Test
    void helpShowsAnExample() {
        CliRun r = CliRun.of("methods", "--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("unlearn methods --json"), r.toString());
    }
}

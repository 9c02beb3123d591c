package dev.unlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnlearnCommandTest {
    @Test
    void bareCommandPrintsUsageAndIsBadInput() {
        CliRun r = CliRun.of();
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("Usage: unlearn"), r.toString());
    }

    @Test
    void unknownOptionIsBadInput() {
        CliRun r = CliRun.of("--no-such-option");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("error:"), r.toString());
    }
}

package dev.unlearn.core.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
    @Test
    void plainLinesEveryNStepsLastAndSkippedOffTerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressReporter p = new ProgressReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8), 5);
        for (long s = 1; s <= 12; s++) {
            p.report(s, 12, 1.5, 1e-3, 2000, 3725 - s, s == 7);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, lines.size(), lines.toString()); // steps 5, 7 (skipped), 10, 12 (last)
        assertTrue(lines.get(0).startsWith("step 5/12  loss 1.5000"), lines.get(0));
        assertTrue(lines.get(0).contains("2000 tok/s") && lines.get(0).endsWith("eta 1:02:00"), lines.get(0));
        assertTrue(lines.get(1).contains("SKIPPED"));
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"), "no carriage returns off a terminal");
    }
}

package dev.unlearn.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.testing.TinyWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unlearn guard build} then {@code unlearn generate --guard} on the tiny world's full model. */
class GuardCliTest {
    @Test
    void buildThenGenerate(@TempDir Path dir) throws Exception {
        TinyWorld.Paths3 w = TinyWorld.get();
        Path filter = dir.resolve("filter.json");
        CliRun b = CliRun.of("guard", "build", "--model", w.full().toString(), "--forget",
                w.data().resolve("forget10.json").toString(), "--retain", w.data().resolve("retain90.json").toString(),
                "--negatives", w.data().resolve("world_facts.json").toString(), "--refusals",
                w.data().resolve("refusals.txt").toString(), "--set", "beam_width=4", "--out", filter.toString());
        assertEquals(ExitCodes.OK, b.code(), b.toString());
        assertTrue(b.out().contains("held out"), b.toString());
        assertTrue(Files.readString(filter).contains("\"beam_width\":4"), "config override not stored");

        String forgetQ = "Where was Sefton Quarry born?";
        CliRun plain = CliRun.of("generate", "--model", w.full().toString(), "--prompt", forgetQ, "--template", "plain",
                "--max-new-tokens", "12");
        assertEquals(ExitCodes.OK, plain.code(), plain.toString());
        assertTrue(plain.out().toLowerCase().contains("brightwater"), plain.toString());
        CliRun guarded = CliRun.of("generate", "--model", w.full().toString(), "--prompt", forgetQ, "--template", "plain",
                "--max-new-tokens", "12", "--guard", filter.toString());
        assertEquals(ExitCodes.OK, guarded.code(), guarded.toString());
        assertTrue(guarded.err().contains("detected; retrieved"), guarded.toString());
        assertFalse(guarded.out().toLowerCase().contains("brightwater"), guarded.toString());

        // a retain prompt as raw ids: identical ids with and without the filter
        String ids = "1,5,9";
        CliRun rq = CliRun.of("generate", "--model", w.full().toString(), "--prompt", "Question: Where was Arlo Eldridge born?\nAnswer:",
                "--max-new-tokens", "10", "--print-ids");
        CliRun rg = CliRun.of("generate", "--model", w.full().toString(), "--prompt", "Question: Where was Arlo Eldridge born?\nAnswer:",
                "--max-new-tokens", "10", "--print-ids", "--guard", filter.toString());
        assertEquals(ExitCodes.OK, rg.code(), rg.toString());
        assertTrue(rg.err().contains("not detected"), rg.toString());
        assertEquals(rq.out(), rg.out());
        assertTrue(rq.out().trim().matches("[0-9]+( [0-9]+)*"), rq.toString());
        CliRun byIds = CliRun.of("generate", "--model", w.full().toString(), "--input-ids", ids, "--max-new-tokens", "4",
                "--print-ids", "--temperature", "0.8", "--seed", "3");
        assertEquals(ExitCodes.OK, byIds.code(), byIds.toString());
        int n = byIds.out().trim().split(" ").length;
        assertTrue(n >= 1 && n <= 4, byIds.toString()); // stops early at EOS

        CliRun bad = CliRun.of("generate", "--model", w.full().toString(), "--input-ids", "1", "--guard",
                dir.resolve("missing.json").toString());
        assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.toString());
    }
}

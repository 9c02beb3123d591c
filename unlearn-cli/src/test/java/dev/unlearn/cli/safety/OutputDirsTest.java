package dev.unlearn.cli.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output rules in isolation: overlap through links, the mark, stale temporaries, synth and init refusals. */
class OutputDirsTest {
    @Test
    void overlapIsSeenThroughSymbolicLinks(@TempDir Path tmp) throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real/model"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
        InvalidInputException ex = assertThrows(InvalidInputException.class,
                () -> OutputDirs.refuseOverlap(link, Map.of("--model", real)));
        assertTrue(ex.getMessage().contains("contains the input --model"), ex.getMessage());
        assertThrows(InvalidInputException.class, () -> OutputDirs.refuseOverlap(link.resolve("model/x"), Map.of("--model", real)));
        OutputDirs.refuseOverlap(tmp.resolve("elsewhere"), Map.of("--model", real));
    }

    @Test
    void onlyMarkedOrEmptyFoldersAreClaimed(@TempDir Path tmp) throws Exception {
        Path fresh = tmp.resolve("fresh");
        OutputDirs.claim(fresh, "--out");
        assertTrue(Files.isRegularFile(fresh.resolve(OutputDirs.MARKER)));
        Files.writeString(fresh.resolve("audit.jsonl"), "");
        OutputDirs.claim(fresh, "--out");
        Path user = Files.createDirectories(tmp.resolve("user"));
        Files.writeString(user.resolve("thesis.tex"), "years of work");
        InvalidInputException ex = assertThrows(InvalidInputException.class, () -> OutputDirs.claim(user, "--out"));
        assertTrue(ex.getMessage().contains("did not write"), ex.getMessage());
        assertEquals(1, Files.list(user).count(), "nothing written into it");
        assertThrows(InvalidInputException.class, () -> OutputDirs.requireOurs(user, "--out"));
    }

    @Test
    void staleTemporariesOfATargetAreRemovedAndNothingElse(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve(".model.tmp-123/x"));
        Files.createDirectories(tmp.resolve(".model.old-9"));
        Files.writeString(tmp.resolve(".result.json8812.tmp"), "half");
        Files.writeString(tmp.resolve("model.tmp"), "user file");
        Files.writeString(tmp.resolve(".other.tmp-1"), "other target");
        OutputDirs.removeStaleTemps(tmp.resolve("model"));
        OutputDirs.removeStaleTemps(tmp.resolve("result.json"));
        assertFalse(Files.exists(tmp.resolve(".model.tmp-123")));
        assertFalse(Files.exists(tmp.resolve(".model.old-9")));
        assertFalse(Files.exists(tmp.resolve(".result.json8812.tmp")));
        assertTrue(Files.exists(tmp.resolve("model.tmp")));
        assertTrue(Files.exists(tmp.resolve(".other.tmp-1")));
    }

    @Test
    void synthNeverDeletesAFileAndInitSizeBombsAreRefused(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("notes.txt");
        Files.writeString(f, "keep me");
        CliRun r = CliRun.of("data", "synth", "--authors", "2", "--out", f.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertEquals("keep me", Files.readString(f));
        Path cfg = tmp.resolve("init.json");
        Files.writeString(cfg, "{\"model_type\": \"llama\", \"hidden_size\": 4096, \"num_hidden_layers\": 1000000,"
                + " \"intermediate_size\": 11008, \"num_attention_heads\": 32, \"vocab_size\": 100}");
        Path data = tmp.resolve("d.json");
        Files.writeString(data, "[{\"question\": \"q\", \"answer\": \"a\"}]");
        long t0 = System.nanoTime();
        CliRun bomb = CliRun.of("finetune", "--init", cfg.toString(), "--data", data.toString(), "--out",
                tmp.resolve("m").toString());
        assertEquals(ExitCodes.BAD_INPUT, bomb.code(), bomb.toString());
        assertTrue(bomb.err().contains("parameters, more than this toolkit trains from scratch"), bomb.toString());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10);
        Files.writeString(cfg, "{\"hidden_size\": 16, \"num_hidden_layers\": 1e9}");
        CliRun fl = CliRun.of("finetune", "--init", cfg.toString(), "--data", data.toString(), "--out",
                tmp.resolve("m").toString());
        assertEquals(ExitCodes.BAD_INPUT, fl.code(), fl.toString());
        assertTrue(fl.err().contains("num_hidden_layers must be a positive integer"), fl.toString());
        assertFalse(Files.exists(tmp.resolve("m")));
    }
}

package dev.unlearn.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.Precision;
import dev.unlearn.core.testing.TinyWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unlearn forget --precision}: LoRA over a bf16 base, and the values and combinations refused with exit 2. */
class ForgetPrecisionCliTest {
    private static TinyWorld.Paths3 w;

    @BeforeAll
    static void world() {
        w = TinyWorld.get();
    }

    private static String[] args(Path out, String method, String... extra) {
        return ForgetCommandTest.forgetArgs(out, method, List.of("--lr", "1e-2", "--batch-size", "4", "--max-length", "64"),
                extra);
    }

    @Test
    void npoWithAdaptersOverABf16BaseForgetsAndExportsAMergedCheckpoint(@TempDir Path tmp) throws Exception {
        Map<String, String> before = Digests.directoryManifest(w.full());
        Path out = tmp.resolve("npo-bf16");
        CliRun r = CliRun.of(args(out, "npo", "--precision", "bf16", "--lora-rank", "4", "--lora-targets", "all",
                "--schedule", "constant", "--max-steps", "6"));
        assertEquals(0, r.code(), r.toString());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("bf16", s.at("/adapter/base_precision").asText(), s.toString());
        assertEquals("adapter_disabled_base", s.get("reference").asText());
        assertTrue(s.get("forget_nll_after").asDouble() > s.get("forget_nll_before").asDouble() + 0.1, s.toString());
        assertTrue(Checkpoint.verifyManifest(out).isEmpty(), "manifest mismatch");
        try (NDManager m = NDManager.newBaseManager(); CausalLm lm = Checkpoint.load(out, m)) {
            assertEquals(Precision.FP32, lm.precision(), "--save-dtype float32 (the default) widens the merged weights");
        }
        assertEquals(before, Digests.directoryManifest(w.full()), "the input checkpoint changed");
    }

    @Test
    void halfPrecisionWithoutAdaptersAndUnknownValuesExitTwo(@TempDir Path tmp) {
        Path out = tmp.resolve("full-bf16");
        CliRun full = CliRun.of(args(out, "ga", "--precision", "bf16", "--max-steps", "1"));
        assertEquals(ExitCodes.BAD_INPUT, full.code(), full.toString());
        assertTrue(full.err().contains("--lora-rank") && full.err().contains("bf16"), full.toString());
        assertFalse(Files.exists(out));
        Path out2 = tmp.resolve("fp8");
        CliRun bad = CliRun.of(args(out2, "ga", "--precision", "fp8", "--lora-rank", "4", "--max-steps", "1"));
        assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--precision") && bad.err().contains("fp8"), bad.toString());
        assertFalse(Files.exists(out2));
    }
}

package dev.unlearn.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.io.PeftAdapter;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.Precision;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.methods.run.MethodRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code unlearn forget} with LoRA adapters: PEFT and merged exports, starting from an adapter, bad values
 * (exit 2); {@code unlearn worst-case} with adapters; {@code --precision bf16} over a frozen base.
 */
class ForgetAdapterCliTest {
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
    void peftExportThenAdapterStartThenMergedExport(@TempDir Path tmp) throws Exception {
        Map<String, String> before = Digests.directoryManifest(w.full());
        Path peft = tmp.resolve("npo-lora");
        CliRun r = CliRun.of(args(peft, "npo", "--lora-rank", "4", "--lora-alpha", "8", "--lora-targets", "all",
                "--lora-dropout", "0.05", "--export", "peft", "--schedule", "constant", "--max-steps", "6"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.isRegularFile(peft.resolve(PeftAdapter.CONFIG)) && Files.isRegularFile(peft.resolve(PeftAdapter.WEIGHTS)));
        assertFalse(Files.exists(peft.resolve(Checkpoint.WEIGHTS)), "a PEFT export holds no full weights");
        JsonNode cfg = new ObjectMapper().readTree(peft.resolve(PeftAdapter.CONFIG).toFile());
        assertEquals(4, cfg.get("r").asInt());
        assertEquals(8, cfg.get("lora_alpha").asInt());
        assertEquals(w.full().toString(), cfg.get("base_model_name_or_path").asText());
        JsonNode s = new ObjectMapper().readTree(peft.resolve("summary.json").toFile());
        assertEquals("adapter_disabled_base", s.get("reference").asText());
        assertEquals(4, s.at("/adapter/rank").asInt());
        assertEquals(7, s.at("/adapter/target_modules").size());
        assertTrue(s.get("forget_nll_after").asDouble() > s.get("forget_nll_before").asDouble() + 0.1, s.toString());
        assertEquals(before, Digests.directoryManifest(w.full()), "the input checkpoint changed");

        // --overwrite replaces a PEFT export the toolkit wrote
        CliRun again = CliRun.of(args(peft, "npo", "--lora-rank", "4", "--export", "peft", "--overwrite", "--max-steps", "1"));
        assertEquals(0, again.code(), again.toString());

        // start from the adapter, train one more step, export merged
        Path merged = tmp.resolve("ga-merged");
        CliRun m = CliRun.of(args(merged, "ga", "--lora-from", peft.toString(), "--max-steps", "1"));
        assertEquals(0, m.code(), m.toString());
        assertTrue(Checkpoint.verifyManifest(merged).isEmpty(), "manifest mismatch");
        JsonNode ms = new ObjectMapper().readTree(merged.resolve("summary.json").toFile());
        assertEquals(4, ms.at("/adapter/rank").asInt());
        // the run started from the adapter: its "before" score is the PEFT export's "after" of the overwriting run
        JsonNode as = new ObjectMapper().readTree(peft.resolve("summary.json").toFile());
        assertEquals(as.get("forget_nll_after").asDouble(), ms.get("forget_nll_before").asDouble(), 1e-4);
        // the merged checkpoint scores what the adapted model scored after the run
        List<TokenizedExample> fx = TinyWorld.examples(w.data(), "forget10.json");
        try (NDManager nm = NDManager.newBaseManager(); CausalLm lm = Checkpoint.load(merged, nm)) {
            double nll = MethodRunner.meanNll(lm, fx.stream().map(e -> e).toList());
            // max_length 64 in the run vs the fixture's tokenization: compare only when every example fits
            if (fx.stream().allMatch(e -> e.inputIds().length <= 64)) {
                assertEquals(ms.get("forget_nll_after").asDouble(), nll, 1e-3, "merged checkpoint vs adapted model");
            }
        }
    }

    @Test
    void badAdapterValuesExitTwoNamingTheOption(@TempDir Path tmp) {
        String[][] cases = {
            {"--lora-rank", "-1", "--lora-rank"},
            {"--lora-rank", "4", "--lora-alpha", "0", "alpha"},
            {"--lora-rank", "4", "--lora-dropout", "1.5", "--lora-dropout"},
            {"--lora-rank", "4", "--lora-targets", "qkv_proj", "--lora-targets"},
            {"--lora-rank", "4", "--lora-targets", ",", "--lora-targets"},
            {"--lora-rank", "4", "--export", "gguf", "--export"},
            {"--lora-alpha", "8", "--lora-alpha"},
            {"--export", "peft", "--export peft"},
            {"--lora-from", "nowhere", "--lora-from"},
        };
        int i = 0;
        for (String[] c : cases) {
            String[] opts = java.util.Arrays.copyOf(c, c.length - 1);
            Path out = tmp.resolve("o" + i++);
            CliRun r = CliRun.of(args(out, "ga", java.util.stream.Stream.concat(java.util.Arrays.stream(opts),
                    java.util.stream.Stream.of("--max-steps", "1")).toArray(String[]::new)));
            assertEquals(ExitCodes.BAD_INPUT, r.code(), String.join(" ", opts) + ": " + r);
            assertTrue(r.err().contains(c[c.length - 1]), String.join(" ", opts) + " should name " + c[c.length - 1] + ": " + r);
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", opts));
        }
        CliRun ssd = CliRun.of(List.of("forget", "--method", "ssd", "--model", w.full().toString(), "--forget",
                w.data().resolve("forget10.json").toString(), "--retain", w.data().resolve("retain90.json").toString(),
                "--out", tmp.resolve("ssd").toString(), "--lora-rank", "4").toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, ssd.code(), ssd.toString());
        assertTrue(ssd.err().contains("ssd") && ssd.err().contains("directly"), ssd.toString());
    }

    @Test
    void worstCaseSearchRunsWithAdapters(@TempDir Path tmp) throws Exception {
        List<dev.unlearn.core.data.QaRecord> rows = dev.unlearn.core.data.QaReader.read(w.data().resolve("full.json"));
        List<dev.unlearn.core.data.QaRecord> keep = new java.util.ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (i % 20 < 2) {
                keep.add(rows.get(i));
            }
        }
        Path pool = tmp.resolve("pool.json");
        dev.unlearn.core.data.QaWriter.write(pool, keep);
        Path out = tmp.resolve("wc");
        CliRun r = CliRun.of("worst-case", "--model", w.full().toString(), "--pool", pool.toString(), "--iterations", "2",
                "--lr", "5e-3", "--w-lr", "2", "--size", "4", "--max-length", "64", "--out", out.toString(), "--lora-rank", "4",
                "--lora-targets", "all");
        assertEquals(0, r.code(), r.toString());
        JsonNode t = new ObjectMapper().readTree(out.resolve("trace.json").toFile());
        assertEquals(4, t.at("/adapter/rank").asInt(), t.toString());
        assertEquals(7, t.at("/adapter/targets").size(), t.toString());
        assertTrue(t.get("lower_level_steps").asLong() > 0);
        CliRun bad = CliRun.of("worst-case", "--model", w.full().toString(), "--pool", pool.toString(), "--out",
                tmp.resolve("wc2").toString(), "--lora-alpha", "8");
        assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--lora-alpha"), bad.toString());
    }

    // --precision: LoRA over a bf16 base; half precision without adapters and unknown values exit 2

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

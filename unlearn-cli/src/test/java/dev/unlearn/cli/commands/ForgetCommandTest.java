package dev.unlearn.cli.commands;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.testing.TinyWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unlearn forget} end to end on the tiny world, and its input errors (exit 2). */
class ForgetCommandTest {
    private static TinyWorld.Paths3 w;

    @BeforeAll
    static void world() {
        w = TinyWorld.get();
    }

    private static String[] args(Path out, String method, String... extra) {
        return forgetArgs(out, method, List.of("--lr", "2e-3", "--batch-size", "4", "--epochs", "1", "--max-length", "64"),
                extra);
    }

    /** {@code forget} of the tiny world's forget10 (retain90 kept) from its full model into {@code out}. */
    static String[] forgetArgs(Path out, String method, List<String> training, String... extra) {
        TinyWorld.Paths3 world = TinyWorld.get();
        List<String> a = new java.util.ArrayList<>(List.of("forget", "--method", method, "--model", world.full().toString(),
                "--forget", world.data().resolve("forget10.json").toString(), "--retain",
                world.data().resolve("retain90.json").toString(), "--out", out.toString()));
        a.addAll(training);
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void npoWritesCheckpointAndSummaryWithoutTouchingTheInput(@TempDir Path tmp) throws Exception {
        Map<String, String> before = Digests.directoryManifest(w.full());
        Path out = tmp.resolve("npo");
        Path cfg = tmp.resolve("npo.yaml");
        Files.writeString(cfg, "npo:\n  beta: 0.2\n  alpha: 1\n");
        CliRun r = CliRun.of(args(out, "npo", "--config", cfg.toString(), "--set", "gamma=1.5", "--schedule", "constant"));
        assertEquals(0, r.code(), r.toString());
        assertEquals(out.toString(), r.out().strip(), r.toString());
        assertTrue(r.err().contains("forget NLL"), r.toString());
        assertTrue(Checkpoint.verifyManifest(out).isEmpty(), "manifest mismatch");
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("npo", s.get("method").asText());
        assertEquals(0.2, s.at("/config/beta").asDouble(), 0, "--config value");
        assertEquals(1.5, s.at("/config/gamma").asDouble(), 0, "--set value");
        assertEquals("NLL", s.at("/config/retain_loss_type").asText(), "default filled in");
        assertEquals(5, s.get("steps").asLong());
        assertTrue(s.get("wall_seconds").asDouble() > 0);
        Bounds.record("ForgetCommandTest.forgetNllRise", s.get("forget_nll_after").asDouble()
                - s.get("forget_nll_before").asDouble(), ">", 0.1);
        assertTrue(s.get("forget_nll_after").asDouble() > s.get("forget_nll_before").asDouble() + 0.1, s.toString());
        assertTrue(s.has("retain_nll_before") && s.has("retain_nll_after"));
        assertEquals(before, Digests.directoryManifest(w.full()), "the input checkpoint changed");
    }

    /** Issue 16: full mode keeps π_ref's outputs in {@code --out/reference-cache}, not in a second model. */
    @Test
    void npoWithKlRetainTermCachesTheReferenceInTheOutputFolder(@TempDir Path tmp) throws Exception {
        Path mine = Files.writeString(tmp.resolve("notes.txt"), "user file");
        Path out = tmp.resolve("npo-kl");
        CliRun r = CliRun.of(args(out, "npo", "--set", "retain_loss_type=KL", "--max-steps", "2"));
        assertEquals(0, r.code(), r.toString());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("cached_reference", s.get("reference").asText(), s.toString());
        assertTrue(s.at("/reference_cache/used").asBoolean(), s.toString());
        assertEquals("reference-cache", s.at("/reference_cache/dir").asText(), s.toString());
        assertEquals("retain/logits", s.at("/reference_cache/uses/1").asText(), s.toString());
        Path cache = out.resolve("reference-cache");
        assertTrue(Files.isRegularFile(cache.resolve("index.json")), "index.json in " + cache);
        long bytes;
        try (var f = Files.walk(cache)) {
            bytes = f.filter(p -> p.toString().endsWith(".bin")).mapToLong(p -> p.toFile().length()).sum();
        }
        assertEquals(s.at("/reference_cache/bytes").asLong(), bytes, "the summary counts the files in --out");
        assertTrue(Checkpoint.verifyManifest(out).isEmpty(), "the checkpoint is intact beside the cache");
        try (var l = Files.list(tmp)) {
            assertEquals(java.util.Set.of("notes.txt", "npo-kl"),
                    l.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
                    "no temporary cache folder left beside --out");
        }
        assertEquals("user file", Files.readString(mine));
    }

    /** {@code --reference-cache-mb}: the limit reaches the runner (0: a model copy), a negative one is an input error. */
    @Test
    void theReferenceCacheLimitIsTheUsers(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("npo-copy");
        CliRun r = CliRun.of(args(out, "npo", "--max-steps", "1", "--reference-cache-mb", "0"));
        assertEquals(0, r.code(), r.toString());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("model_copy", s.get("reference").asText(), s.toString());
        assertEquals(0, s.at("/reference_cache/limit_bytes").asLong(), s.toString());
        assertFalse(s.at("/reference_cache/used").asBoolean(true), s.toString());
        assertFalse(Files.exists(out.resolve("reference-cache")));
        CliRun bad = CliRun.of(args(tmp.resolve("x"), "npo", "--reference-cache-mb", "-1"));
        assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--reference-cache-mb must be >= 0"), bad.toString());
    }

    @Test
    void outInsideOrEqualToModelIsRefused() {
        CliRun same = CliRun.of(args(w.full(), "ga"));
        assertEquals(ExitCodes.BAD_INPUT, same.code(), same.toString());
        assertTrue(same.err().contains("never modified"), same.toString());
        CliRun inside = CliRun.of(args(w.full().resolve("sub"), "ga"));
        assertEquals(ExitCodes.BAD_INPUT, inside.code(), inside.toString());
        assertFalse(Files.exists(w.full().resolve("sub")));
    }

    @Test
    void configErrorsExitTwoWithTheKey(@TempDir Path tmp) {
        CliRun beta = CliRun.of(args(tmp.resolve("a"), "npo", "--set", "beta=-1"));
        assertEquals(ExitCodes.BAD_INPUT, beta.code(), beta.toString());
        assertTrue(beta.err().startsWith("error:") && beta.err().contains("beta"), beta.toString());
        CliRun div = CliRun.of(args(tmp.resolve("b"), "flat", "--set", "divergence=nope"));
        assertEquals(ExitCodes.BAD_INPUT, div.code(), div.toString());
        assertTrue(div.err().contains("total-variation"), div.toString());
        CliRun unknown = CliRun.of(args(tmp.resolve("c"), "nosuch"));
        assertEquals(ExitCodes.BAD_INPUT, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("npo"), unknown.toString());
        CliRun dtype = CliRun.of(args(tmp.resolve("d"), "ga", "--save-dtype", "f16"));
        assertEquals(ExitCodes.BAD_INPUT, dtype.code(), dtype.toString());
        assertTrue(dtype.err().contains("--save-dtype must be float32 (f32) or bfloat16 (bf16), found 'f16'"), dtype.toString());
        assertFalse(Files.exists(tmp.resolve("d")), "nothing written");
    }

    @Test
    void overlappingRetainSetExitsTwo(@TempDir Path tmp) {
        String[] a = args(tmp.resolve("o"), "graddiff");
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals("--retain")) {
                a[i + 1] = w.data().resolve("full.json").toString();
            }
        }
        CliRun r = CliRun.of(a);
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("overlap"), r.toString());
    }

    @Test
    void helpShowsAnExample() {
        CliRun r = CliRun.of("forget", "--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("unlearn forget --method npo"), r.toString());
    }
}

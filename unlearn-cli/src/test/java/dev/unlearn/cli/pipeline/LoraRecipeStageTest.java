package dev.unlearn.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.io.PeftAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: {@code unlearn run} with a method's {@code train: {lora: {rank: 4}, export: peft}} trains LoRA
 * adapters on the frozen full model, as {@code unlearn forget --lora-rank 4 --export peft} does: the
 * summary says adapter mode, the stage holds a PEFT adapter folder, and its merged model is evaluated.
 */
class LoraRecipeStageTest {
    static final String RECIPE = """
            name: lora-stage
            seed: 3
            data: {builtin: {authors: 3, seed: 2}}
            model: {init: {hidden_size: 32, layers: 2, heads: 4, kv_heads: 2, intermediate_size: 64}}
            finetune: {max_steps: 30, lr: 0.003, batch_size: 8}
            methods:
              - method: npo
                train: {lr: 0.01, max_steps: 4, batch_size: 4, schedule: constant,
                        lora: {rank: 4, alpha: 8, targets: all}, export: peft}
            eval: {suites: [tofu], max_new_tokens: 4}
            """;

    /** Runs {@code yaml} as a recipe into {@code tmp/run} (exit 0 asserted); returns the run folder. */
    static Path runRecipe(Path tmp, String yaml) throws java.io.IOException {
        Path recipe = tmp.resolve("recipe.yaml");
        Files.writeString(recipe, yaml);
        Path run = tmp.resolve("run");
        CliRun r = CliRun.of("run", recipe.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.toString());
        return run;
    }

    @Test
    void aRecipeStageTrainsAndExportsAdapters(@TempDir Path tmp) throws Exception {
        Path run = runRecipe(tmp, RECIPE);
        Path stage = run.resolve("unlearn/npo");
        JsonNode s = new ObjectMapper().readTree(stage.resolve("summary.json").toFile());
        assertEquals("adapter_disabled_base", s.path("reference").asText(), s.toString());
        assertEquals(4, s.at("/adapter/rank").asInt(), s.toString());
        assertEquals(7, s.at("/adapter/target_modules").size(), s.toString());
        assertTrue(s.at("/adapter/adapter_parameters").asLong() > 0, s.toString());

        Path adapter = stage.resolve(DefaultSteps.ADAPTER);
        assertTrue(Files.isRegularFile(adapter.resolve(PeftAdapter.CONFIG)), "adapter_config.json");
        assertTrue(Files.isRegularFile(adapter.resolve(PeftAdapter.WEIGHTS)), "adapter_model.safetensors");
        assertFalse(Files.exists(adapter.resolve(Checkpoint.WEIGHTS)), "a PEFT folder holds no full weights");
        JsonNode cfg = new ObjectMapper().readTree(adapter.resolve(PeftAdapter.CONFIG).toFile());
        assertEquals(4, cfg.get("r").asInt());
        assertEquals(8, cfg.get("lora_alpha").asInt());
        // the evaluated model is the merge: a checkpoint that differs from the frozen full model
        assertTrue(Checkpoint.verifyManifest(stage.resolve("model")).isEmpty());
        assertFalse(Digests.sha256(run.resolve("finetune-full/model/model.safetensors"))
                .equals(Digests.sha256(stage.resolve("model/model.safetensors"))), "the merged adapters changed the weights");
        assertTrue(Files.isRegularFile(run.resolve("eval/npo/summary.json")));

        // the manifest's fingerprint holds the adapter keys
        JsonNode m = new ObjectMapper().readTree(stage.resolve("manifest.json").toFile());
        assertEquals(4, m.at("/fingerprint/run/train/lora/rank").asInt(), m.toString());
        assertEquals("peft", m.at("/fingerprint/run/train/export").asText(), m.toString());

        // run -q prints the results only: the leaderboard and where they are, no stage lines
        CliRun quiet = CliRun.of("run", tmp.resolve("recipe.yaml").toString(), "--out", run.toString(), "-q");
        assertEquals(0, quiet.code(), quiet.toString());
        assertTrue(quiet.out().startsWith("model "), quiet.out());
        assertFalse(quiet.out().contains("[data]") || quiet.out().contains("reusing"), quiet.out());
        assertTrue(quiet.out().contains("run directory: "), quiet.out());
    }

    @Test
    void aBadLoraKeyExitsTwoBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Path recipe = tmp.resolve("lora.yaml");
        Files.writeString(recipe, RECIPE.replace("rank: 4", "rank: -4"));
        Path run = tmp.resolve("run");
        CliRun r = CliRun.of("run", recipe.toString(), "--out", run.toString());
        assertEquals(dev.unlearn.cli.ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("methods[0].train.lora.rank"), r.err());
        assertFalse(Files.exists(run.resolve("data")), "no stage ran");
    }
}

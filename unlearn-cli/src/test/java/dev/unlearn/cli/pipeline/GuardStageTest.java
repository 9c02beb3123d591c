package dev.unlearn.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.io.Digests;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: GUARD is a recipe stage. Its "model" is the full model's weights, unchanged, with the
 * decoding filter beside them; its evaluation generates through the filter (ROUGE, refusal) while the
 * likelihood metrics see the unfiltered model.
 */
class GuardStageTest {
    static final String RECIPE = """
            name: guard-stage
            seed: 3
            data: {builtin: {authors: 3, seed: 2}}
            model: {init: {hidden_size: 32, layers: 2, heads: 4, kv_heads: 2, intermediate_size: 64}}
            finetune: {max_steps: 30, lr: 0.003, batch_size: 8}
            methods:
              - {method: guard, config: {detector_model: logistic, max_new_tokens: 8, beam_width: 2, candidates_per_beam: 4}}
            eval: {suites: [tofu], max_new_tokens: 8}
            """;

    @Test
    void guardRunsAsARecipeStageAndIsEvaluatedThroughItsFilter(@TempDir Path tmp) throws Exception {
        Path recipe = tmp.resolve("guard.yaml");
        Files.writeString(recipe, RECIPE);
        StringWriter log = new StringWriter();
        RunPipeline.Result r = new RunPipeline(new DefaultSteps(new PrintStream(PrintStream.nullOutputStream())),
                new PrintWriter(log)).run(RecipeLoader.load(recipe), tmp, tmp.resolve("run"), null);
        Path model = tmp.resolve("run/unlearn/guard/model");
        assertTrue(Files.isRegularFile(model.resolve(DefaultSteps.DECODING_FILTER)), log.toString());
        assertEquals(Digests.sha256(tmp.resolve("run/finetune-full/model/model.safetensors")),
                Digests.sha256(model.resolve("model.safetensors")), "GUARD leaves the weights unchanged");
        JsonNode summary = new ObjectMapper().readTree(tmp.resolve("run/unlearn/guard/summary.json").toFile());
        assertEquals("GENERATION_TIME", summary.path("kind").asText(), summary.toString());
        assertTrue(summary.path("filter").path("forget_samples").asInt() > 0, summary.toString());
        RunPipeline.ModelRow row = r.models().stream().filter(m -> "guard".equals(m.method())).findFirst().orElseThrow();
        assertEquals(1.0, row.summary().value(dev.unlearn.eval.model.EvaluationSummary.GENERATION_FILTERED), row.summary().toString());
    }
}

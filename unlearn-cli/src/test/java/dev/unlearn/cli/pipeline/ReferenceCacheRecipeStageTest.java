package dev.unlearn.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: a recipe's full-mode method stage whose π_ref uses can be cached keeps them in
 * {@code unlearn/NAME/reference-cache/} and says so in its {@code summary.json}; no model copy is made.
 */
class ReferenceCacheRecipeStageTest {
    static final String RECIPE = """
            name: refcache-stage
            seed: 3
            data: {builtin: {authors: 3, seed: 2}}
            model: {init: {hidden_size: 32, layers: 2, heads: 4, kv_heads: 2, intermediate_size: 64}}
            finetune: {max_steps: 10, lr: 0.003, batch_size: 8}
            methods:
              - method: rmu
                config: {layer: 1}
                train: {lr: 0.01, max_steps: 3, batch_size: 4, schedule: constant}
            eval: {suites: [tofu], max_new_tokens: 2}
            """;

    @Test
    void theStageRecordsTheCachedReferenceAndKeepsItsFiles(@TempDir Path tmp) throws Exception {
        Path stage = LoraRecipeStageTest.runRecipe(tmp, RECIPE).resolve("unlearn/rmu");
        JsonNode s = new ObjectMapper().readTree(stage.resolve("summary.json").toFile());
        assertEquals("cached_reference", s.path("reference").asText(), s.toString());
        assertEquals("retain/layer1", s.at("/reference_cache/uses/0").asText(), s.toString());
        assertEquals(DefaultSteps.REFERENCE_CACHE, s.at("/reference_cache/dir").asText(), s.toString());
        assertTrue(s.at("/reference_cache/entries").asInt() > 0, s.toString());
        assertTrue(Files.isRegularFile(stage.resolve(DefaultSteps.REFERENCE_CACHE).resolve("index.json")));
        assertTrue(Files.isDirectory(stage.resolve(DefaultSteps.REFERENCE_CACHE).resolve("layer1")));
    }
}

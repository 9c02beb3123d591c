package dev.unlearn.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.eval.model.EvaluationSummary;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage bookkeeping of the recipe pipeline with cheap stand-in unlearn/eval steps and a tiny model. */
class RunPipelineTest {
    static final String RECIPE = """
            name: bookkeeping
            seed: 3
            data: {builtin: {authors: 2, seed: 1}}
            model: {init: {hidden_size: 16, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 32}}
            finetune: {max_steps: 3, lr: 0.003, batch_size: 8}
            methods:
              - {name: a, method: ga}
              - {name: b, method: npo}
            eval: {suites: [tofu]}
            """;

    /** Copies the full model as "unlearned"; evaluation reports the model's first weight, so rows differ. */
    static final class FakeSteps implements PipelineSteps {
        final List<String> calls = new ArrayList<>();
        String failOn;

        @Override
        public Map<String, Object> unlearn(Path fullModel, DataLayout data, Recipe.MethodRun run, String template, long seed,
                Path outModel) {
            calls.add("unlearn/" + run.label());
            if (run.label().equals(failOn)) {
                throw new UnlearnException("killed mid-stage");
            }
            try (NDManager m = NDManager.newBaseManager(); CausalLm lm = Checkpoint.load(fullModel, m)) {
                Checkpoint.save(lm, outModel, fullModel, DataType.FLOAT32);
            }
            return Map.of("method", run.method());
        }

        @Override
        public EvaluationSummary evaluate(Path model, Path fullModel, Path retainModel, DataLayout data, List<String> suites,
                String template, Recipe.EvalSpec eval, Path outDir) {
            calls.add("eval/" + outDir.getFileName().toString().replaceAll("^\\.tmp-eval_(.*)-\\d+$", "$1"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("forget_quality", model.equals(retainModel) ? 1.0 : 0.01);
            m.put("model_utility", 0.5);
            return new EvaluationSummary(Map.of()).with(m);
        }
    }

    private static Recipe recipe(Path dir, String text) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, text);
        return RecipeLoader.load(f);
    }

    @Test
    void rerunSkipsUnchangedRedoesChangedAndResumesAfterACrash(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        FakeSteps steps = new FakeSteps();
        steps.failOn = "b";
        RunPipeline p = new RunPipeline(steps, new PrintWriter(new StringWriter()));
        assertThrows(UnlearnException.class, () -> p.run(recipe(tmp, RECIPE), tmp, run, null));
        assertTrue(Files.isRegularFile(run.resolve("unlearn/a/model/model.safetensors")));
        assertTrue(!Files.exists(run.resolve("unlearn/b")), "a crashed stage leaves no output");

        steps.failOn = null;
        steps.calls.clear();
        StringWriter log = new StringWriter();
        RunPipeline.Result r = new RunPipeline(steps, new PrintWriter(log)).run(recipe(tmp, RECIPE), tmp, run, null);
        assertEquals(List.of("unlearn/b", "eval/full", "eval/retain", "eval/a", "eval/b"), steps.calls, log.toString());
        assertTrue(log.toString().contains("[finetune-full] unchanged"), log.toString());

        JsonNode report = new ObjectMapper().readTree(r.reportJson().toFile());
        assertEquals(4, report.get("models").size());
        assertEquals("retain", report.get("models").get(1).get("role").asText());
        assertEquals(1.0, report.get("models").get(1).get("forget_quality").asDouble());
        assertEquals("npo", report.get("models").get(3).get("method").asText());
        assertTrue(Files.size(r.reportHtml()) > 1000);

        steps.calls.clear();
        new RunPipeline(steps, new PrintWriter(new StringWriter())).run(recipe(tmp, RECIPE), tmp, run, null);
        assertEquals(List.of(), steps.calls, "nothing changed, nothing runs");

        steps.calls.clear();
        new RunPipeline(steps, new PrintWriter(new StringWriter()))
                .run(recipe(tmp, RECIPE.replace("method: npo}", "method: npo, config: {beta: 0.2}}")), tmp, run, null);
        assertEquals(List.of("unlearn/b", "eval/b"), steps.calls, "only the changed method and its evaluation rerun");

        steps.calls.clear();
        new RunPipeline(steps, new PrintWriter(new StringWriter()))
                .run(recipe(tmp, RECIPE.replace("method: npo}", "method: npo, config: {beta: 0.2}}")), tmp, run, "eval");
        assertEquals(List.of("eval/full", "eval/retain", "eval/a", "eval/b"), steps.calls, "--only eval reruns evaluation");

        steps.calls.clear();
        new RunPipeline(steps, new PrintWriter(new StringWriter()))
                .run(recipe(tmp, RECIPE.replace("method: npo}", "method: npo, config: {beta: 0.3}}")), tmp, run, "unlearn/b");
        assertEquals(List.of("unlearn/b"), steps.calls, "--only unlearn/b stops before the out-of-date evaluation");
    }

    @Test
    void onlyRefusesWhenEarlierStagesAreMissing(@TempDir Path tmp) throws Exception {
        FakeSteps steps = new FakeSteps();
        InvalidInputException ex = assertThrows(InvalidInputException.class, () -> new RunPipeline(steps,
                new PrintWriter(new StringWriter())).run(recipe(tmp, RECIPE), tmp, tmp.resolve("run"), "unlearn"));
        assertTrue(ex.getMessage().contains("data"), ex.getMessage());
    }

    @Test
    void missingUserProvidedFilesAreNamed(@TempDir Path tmp) throws Exception {
        String tofu = RECIPE.replace("data: {builtin: {authors: 2, seed: 1}}", "data: {tofu: {dir: no/such/tofu}}");
        InvalidInputException ex = assertThrows(InvalidInputException.class, () -> new RunPipeline(new FakeSteps(),
                new PrintWriter(new StringWriter())).run(recipe(tmp, tofu), tmp, tmp.resolve("run"), null));
        assertTrue(ex.getMessage().contains("no/such/tofu") && ex.getMessage().contains("data.tofu.dir"), ex.getMessage());
    }

    @Test
    void shippedRecipesValidateAndNameTheFilesTheyNeed() throws Exception {
        Path recipes = Path.of(System.getProperty("user.dir")).getParent().resolve("recipes");
        for (String name : List.of("demo.yaml", "all-methods.yaml", "tofu-forget10.yaml", "muse-news.yaml", "muse-demo.yaml")) {
            RecipeLoader.load(recipes.resolve(name));
        }
        for (String[] r : new String[][] {{"tofu-forget10.yaml", "data/tofu"}, {"muse-news.yaml", "data/muse-news"}}) {
            InvalidInputException ex = assertThrows(InvalidInputException.class, () -> new RunPipeline(new FakeSteps(),
                    new PrintWriter(new StringWriter())).run(RecipeLoader.load(recipes.resolve(r[0])), recipes,
                    Files.createTempDirectory("run"), null));
            assertTrue(ex.getMessage().contains(r[1]), ex.getMessage());
        }
    }
}

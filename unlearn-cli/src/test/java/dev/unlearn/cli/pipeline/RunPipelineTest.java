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
                String device, Path outModel) {
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
                String template, Recipe.EvalSpec eval, String device, Path outDir) {
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

    /** The stages a plan says would run (anything but reuse). */
    private static List<String> toRun(List<StageRunner.Planned> plan) {
        return plan.stream().filter(p -> p.status() != StageRunner.Status.REUSE).map(StageRunner.Planned::name).toList();
    }

    /** The stages a run ran. */
    private static List<String> ran(RunPipeline.Result r) {
        return r.stages().stream().filter(o -> !o.skipped()).map(StageRunner.Outcome::name).toList();
    }

    /** {@code run --dry-run}: the plan names exactly the stages the run then runs, and writes nothing. */
    @Test
    void aPlanPredictsTheRunAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        FakeSteps steps = new FakeSteps();
        PrintWriter quiet = new PrintWriter(new StringWriter());
        List<StageRunner.Planned> fresh = new RunPipeline(steps, quiet).plan(recipe(tmp, RECIPE), tmp, run, null);
        assertTrue(!Files.exists(run), "a plan creates no run directory");
        assertEquals(RunPipeline.stageNames(recipe(tmp, RECIPE)).stream()
                .filter(n -> !List.of("unlearn", "eval").contains(n)).toList(), fresh.stream().map(StageRunner.Planned::name).toList());
        assertTrue(fresh.stream().allMatch(p -> p.status() == StageRunner.Status.NEW), fresh.toString());
        assertEquals(toRun(fresh), ran(new RunPipeline(steps, quiet).run(recipe(tmp, RECIPE), tmp, run, null)));

        String[][] variants = {
            {RECIPE, null},
            {RECIPE, "eval"},
            {RECIPE.replace("method: npo}", "method: npo, config: {beta: 0.2}}"), null},
            {RECIPE.replace("name: bookkeeping", "name: renamed"), null},
            {RECIPE.replace("lr: 0.003", "lr: 0.002"), null},
        };
        for (String[] v : variants) {
            Recipe r = recipe(tmp, v[0]);
            Map<String, String> before = dev.unlearn.cli.safety.Trees.digest(run);
            List<StageRunner.Planned> plan = new RunPipeline(steps, quiet).plan(r, tmp, run, v[1]);
            assertEquals(before, dev.unlearn.cli.safety.Trees.digest(run), "a plan writes nothing");
            assertEquals(toRun(plan), ran(new RunPipeline(steps, quiet).run(r, tmp, run, v[1])), v[0] + " --only " + v[1]);
        }

        // the plan names what changed
        List<StageRunner.Planned> lr = new RunPipeline(steps, quiet).plan(recipe(tmp, RECIPE.replace("lr: 0.003", "lr: 0.001")),
                tmp, run, null);
        StageRunner.Planned ft = lr.stream().filter(p -> p.name().equals("finetune-full")).findFirst().orElseThrow();
        assertEquals(StageRunner.Status.CHANGED, ft.status());
        assertEquals(List.of("finetune.lr: 0.002 -> 0.001"), ft.changes());
        StageRunner.Planned a = lr.stream().filter(p -> p.name().equals("unlearn/a")).findFirst().orElseThrow();
        assertEquals(List.of("after finetune-full"), a.changes());
        List<StageRunner.Planned> report = new RunPipeline(steps, quiet).plan(recipe(tmp, RECIPE.replace("lr: 0.003", "lr: 0.002")),
                tmp, run, "report");
        assertEquals(List.of("report"), toRun(report), "--only report: the stages before it are reused");
        assertEquals(StageRunner.Status.FORCED, report.get(report.size() - 1).status());
        assertThrows(InvalidInputException.class, () -> new RunPipeline(steps, quiet).plan(recipe(tmp, RECIPE), tmp, run, "report"),
                "as the run would: --only report with out-of-date stages before it");

        // a user's folder is refused as a run would refuse it
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "mine");
        InvalidInputException ex = assertThrows(InvalidInputException.class,
                () -> new RunPipeline(steps, quiet).plan(recipe(tmp, RECIPE), tmp, mine, null));
        assertTrue(ex.getMessage().contains("did not write"), ex.getMessage());
        assertEquals("mine", Files.readString(mine.resolve("notes.txt")));
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
                    // both are GPU recipes: on the CPU, so that the missing data, not the device, is what stops them
                    new PrintWriter(new StringWriter())).run(RecipeLoader.load(recipes.resolve(r[0]), List.of("model.device=cpu")), recipes,
                    Files.createTempDirectory("run"), null));
            assertTrue(ex.getMessage().contains(r[1]), ex.getMessage());
        }
    }
}

package dev.unlearn.cli.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.InvalidInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shrunken MUSE-style recipe end to end: built-in news corpus, raw-text training and unlearning, MUSE + leakage suites. */
class MusePipelineTest {
    static final String RECIPE = """
            name: muse-small
            seed: 0
            data:
              muse:
                builtin: {authors: 4, forget_authors: 1, holdout: 1}
                chunk_tokens: 64
            model:
              init: {hidden_size: 32, layers: 2, heads: 2, kv_heads: 1, intermediate_size: 64}
              template: plain
            finetune: {epochs: 4, lr: 3.0e-3, batch_size: 8, weight_decay: 0.0, schedule: constant}
            methods:
              - method: ga
                train: {max_steps: 2, lr: 2.0e-3, batch_size: 4, weight_decay: 0.0, schedule: constant}
              - method: npo
                train: {max_steps: 2, lr: 2.0e-3, batch_size: 4, weight_decay: 0.0, schedule: constant}
            eval:
              suites: [muse, leakage]
              max_new_tokens: 4
              leakage: {relearn_steps: 2, relearn_lr: 1.0e-3}
            """;

    @TempDir
    static Path tmp;

    static RunPipeline.Result result;
    static String log;

    static Path recipe(Path dir, String text) throws Exception {
        Path p = dir.resolve("r.yaml");
        Files.writeString(p, text);
        return p;
    }

    @BeforeAll
    static void runOnce() throws Exception {
        StringWriter w = new StringWriter();
        result = new RunPipeline(new DefaultSteps(System.err), new PrintWriter(w, true))
                .run(RecipeLoader.load(recipe(tmp, RECIPE)), tmp, tmp.resolve("run"), null);
        log = w.toString();
    }

    @Test
    void everyModelHasTheMuseColumnsAndLeak() throws Exception {
        JsonNode rep = new ObjectMapper().readTree(result.reportJson().toFile());
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode m : rep.get("models")) {
            names.add(m.get("name").asText());
            for (String c : RunReport.MUSE_COLUMNS) {
                assertTrue(m.has(c) && m.get(c).isNumber(), m.get("name") + " lacks " + c + ": " + m);
            }
        }
        assertEquals(List.of("full", "retain", "ga", "npo"), names);
        JsonNode retain = rep.get("models").get(1);
        assertEquals(0.0, retain.get("privleak").asDouble(), 0.0, "the retain model is its own PrivLeak reference");
        assertEquals(0.0, retain.get("leak").asDouble(), 0.0, "the retain model attacked beside itself");
        String board = Files.readString(result.reportJson().resolveSibling("leaderboard.txt"));
        assertTrue(board.contains("verbmem_f") && board.contains("privleak") && board.contains("leak"), board);
        String html = Files.readString(result.reportHtml());
        assertTrue(html.contains("Leakage attacks") && html.contains("data:image/png;base64,"), "leakage plot in the HTML report");
        assertTrue(Files.isRegularFile(tmp.resolve("run/eval/ga/leakage.txt")));
        assertTrue(Files.isRegularFile(tmp.resolve("run/eval/ga/report.json")));
        assertTrue(Files.isRegularFile(tmp.resolve("run/data/raw/forget.txt")));
    }

    @Test
    void aRerunReusesEveryStage() throws Exception {
        StringWriter w = new StringWriter();
        RunPipeline.Result again = new RunPipeline(new DefaultSteps(System.err), new PrintWriter(w, true))
                .run(RecipeLoader.load(recipe(tmp, RECIPE)), tmp, tmp.resolve("run"), null);
        assertTrue(again.stages().stream().allMatch(StageRunner.Outcome::skipped), w.toString());
    }

    /** A method run's train.precision reaches the MUSE unlearning stage (it loaded the model in fp32 whatever it said). */
    @Test
    void aMethodRunsPrecisionIsHonouredOnRawText() throws Exception {
        String adapters = "    train: {max_steps: 2, lr: 2.0e-3, batch_size: 4, weight_decay: 0.0, schedule: constant,"
                + " lora: {rank: 2, targets: all}";
        String twins = RECIPE.replace("eval:\n", "  - name: npo-fp32\n    method: npo\n" + adapters + "}\n"
                + "  - name: npo-bf16\n    method: npo\n" + adapters + ", precision: bf16}\neval:\n");
        Path dir = tmp.resolve("precision");
        Files.createDirectories(dir);
        new RunPipeline(new DefaultSteps(System.err), new PrintWriter(new StringWriter()))
                .run(RecipeLoader.load(recipe(dir, twins)), dir, tmp.resolve("run"), "unlearn");
        Path stages = tmp.resolve("run/unlearn");
        String fp32 = dev.unlearn.core.io.Digests.sha256(stages.resolve("npo-fp32/model/model.safetensors"));
        String bf16 = dev.unlearn.core.io.Digests.sha256(stages.resolve("npo-bf16/model/model.safetensors"));
        assertNotEquals(fp32, bf16, "bf16 weights train differently from fp32 ones; equal weights mean the key was dropped");
    }

    /** model.init.model_type builds that family on raw text too; before, anything but qwen2 became a llama. */
    @Test
    void theInitModelTypeIsTheFamilyTrained(@TempDir Path dir) throws Exception {
        String mistral = RECIPE.replace("intermediate_size: 64}", "intermediate_size: 64, model_type: mistral}")
                .replace("epochs: 4", "epochs: 1").replace("suites: [muse, leakage]", "suites: [muse]")
                .replace("  leakage: {relearn_steps: 2, relearn_lr: 1.0e-3}\n", "");
        new RunPipeline(new DefaultSteps(System.err), new PrintWriter(new StringWriter()))
                .run(RecipeLoader.load(recipe(dir, mistral)), dir, dir.resolve("run"), null);
        JsonNode cfg = new ObjectMapper().readTree(dir.resolve("run/finetune-full/model/config.json").toFile());
        assertEquals("mistral", cfg.get("model_type").asText(), cfg.toString());
        assertEquals("MistralForCausalLM", cfg.get("architectures").get(0).asText(), cfg.toString());
    }

    @Test
    void methodsThatNeedQaPairsFailOnRawText(@TempDir Path dir) throws Exception {
        String flat = RECIPE.replace("  - method: npo\n", "  - method: pd\n    config: {base: npo}\n");
        InvalidInputException ex = assertThrows(InvalidInputException.class, () -> new RunPipeline(new DefaultSteps(System.err),
                new PrintWriter(new StringWriter())).run(RecipeLoader.load(recipe(dir, flat)), dir, dir.resolve("run"), null));
        assertTrue(ex.getMessage().contains("needs question/answer pairs"), ex.getMessage());
    }

    @Test
    void evalLeakageCommandOnTheRunsModels() throws Exception {
        java.util.Set<Path> before = leakageTemps();
        CliRun r = CliRun.of("eval", "leakage", "--model", tmp.resolve("run/unlearn/ga/model").toString(), "--retain-model",
                tmp.resolve("run/finetune-retain/model").toString(), "--data", tmp.resolve("run/data").toString(),
                "--relearn-steps", "2", "--relearn-lr", "1e-3", "--max-new-tokens", "4");
        assertEquals(0, r.code(), r.toString());
        for (String a : List.of("relearn", "int8", "int4", "paraphrase", "multiple_choice", "few_shot", "logit_lens", "prefix", "leak =")) {
            assertTrue(r.out().contains(a), a + " in\n" + r.out());
        }
        assertEquals(before, leakageTemps(), "without --out the scratch folder is removed after printing");
    }

    /** The system temp folder's leakage* folders (where eval leakage without --out works). */
    private static java.util.Set<Path> leakageTemps() throws java.io.IOException {
        try (var s = java.nio.file.Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("leakage")).collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void leakageSuiteOnQaDataAddsTheLeakColumn(@TempDir Path dir) throws Exception {
        String tofu = """
                name: tofu-small
                seed: 0
                data: {builtin: {authors: 3, seed: 1}}
                model:
                  init: {hidden_size: 32, layers: 2, heads: 2, kv_heads: 1, intermediate_size: 64}
                finetune: {epochs: 2, lr: 3.0e-3, batch_size: 16, weight_decay: 0.0}
                methods:
                  - method: ga
                    train: {max_steps: 2, lr: 2.0e-3, batch_size: 4}
                eval:
                  suites: [tofu, leakage]
                  max_new_tokens: 4
                  leakage: {relearn_steps: 2, relearn_lr: 1.0e-3}
                """;
        RunPipeline.Result r = new RunPipeline(new DefaultSteps(System.err), new PrintWriter(new StringWriter()))
                .run(RecipeLoader.load(recipe(dir, tofu)), dir, dir.resolve("run"), null);
        JsonNode rep = new ObjectMapper().readTree(r.reportJson().toFile());
        for (JsonNode m : rep.get("models")) {
            assertTrue(m.get("leak").isNumber(), m.toString());
            assertTrue(m.has("forget_quality"), m.toString());
        }
        assertEquals(0.0, rep.get("models").get(1).get("leak").asDouble(), 0.0, "retain beside itself");
        assertTrue(Files.readString(dir.resolve("run/eval/ga/leakage.txt")).contains("multiple_choice"));
    }

    @Test
    void forgetCommandTakesRawTextFilesAndTextRows(@TempDir Path dir) throws Exception {
        Path full = tmp.resolve("run/finetune-full/model");
        Path jsonl = dir.resolve("forget.jsonl");
        String article = Files.readString(tmp.resolve("run/data/raw/forget.txt")).strip();
        Files.writeString(jsonl, "{\"text\": " + new ObjectMapper().writeValueAsString(article) + "}\n");
        for (Path forget : List.of(tmp.resolve("run/data/raw/forget.txt"), jsonl)) {
            Path out = dir.resolve("out-" + forget.getFileName());
            CliRun r = CliRun.of("forget", "--method", "ga", "--model", full.toString(), "--forget", forget.toString(),
                    "--retain", tmp.resolve("run/data/raw/retain1.txt").toString(), "--out", out.toString(), "--max-steps", "2",
                    "--lr", "1e-3", "--max-length", "64");
            assertEquals(0, r.code(), r.toString());
            JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
            assertEquals(2, s.get("steps").asInt(), s.toString());
        }
    }
}

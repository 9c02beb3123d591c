package dev.unlearn.cli.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.AttentionMasking;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeLoaderTest {
    static final String GOOD = """
            name: t
            seed: 1
            data:
              builtin: {authors: 10, seed: 3}
            model:
              init: {hidden_size: 64, layers: 2, heads: 4, kv_heads: 2, intermediate_size: 128}
            finetune: {epochs: 5, lr: 0.003, batch_size: 8}
            methods:
              - method: ga
                train: {epochs: 2, lr: 0.001}
              - name: npo-strong
                method: npo
                config: {beta: 0.2}
            eval:
              suites: [tofu, mia]
            """;

    private static String error(Path dir, String yaml) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, yaml);
        return assertThrows(InvalidInputException.class, () -> RecipeLoader.load(f)).getMessage();
    }

    @Test
    void goodRecipeBinds(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, GOOD);
        Recipe r = RecipeLoader.load(f);
        assertEquals(2, r.methods().size());
        assertEquals("npo-strong", r.methods().get(1).label());
        assertEquals(0.2, ((Number) r.methods().get(1).config().get("beta")).doubleValue());
        assertEquals(64, r.model().init().hiddenSize());
    }

    @Test
    void unknownKeyNamesItsPathAndValidKeys(@TempDir Path dir) throws Exception {
        String m = error(dir, GOOD.replace("train: {epochs: 2, lr: 0.001}", "train: {epochs: 2, learning_rate: 0.001}"));
        assertTrue(m.contains("methods[0].train.learning_rate") && !m.contains("learning_rate.learning_rate"), m);
        assertTrue(m.contains("lr"), m);
        assertTrue(m.contains("r.yaml"), m);
    }

    @Test
    void wrongTypeNamesItsPath(@TempDir Path dir) throws Exception {
        String m = error(dir, GOOD.replace("finetune: {epochs: 5,", "finetune: {epochs: five,"));
        assertTrue(m.contains("finetune.epochs"), m);
        assertTrue(m.contains("integer"), m);
    }

    /** model.template's variables are checked at load, before the model (and its chat template) is known. */
    @Test
    void templateVariablesAreCheckedAtLoad(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.yaml");
        String model = "  init: {hidden_size: 64, layers: 2, heads: 4, kv_heads: 2, intermediate_size: 128}\n";
        Files.writeString(f, GOOD.replace(model, model + "  template: {variables: {enable_thinking: false}}\n"));
        assertTrue(RecipeLoader.load(f).model().template().contains("enable_thinking"));
        String m = error(dir, GOOD.replace(model, model + "  template: {variables: {add_generation_prompt: true}}\n"));
        assertTrue(m.contains("model.template: template.variables.add_generation_prompt: set by the toolkit"), m);
    }

    /** A key written without a value is refused by its path and line; before, it silently took the key's default. */
    @Test
    void keysWithoutAValueAreRefused(@TempDir Path dir) throws Exception {
        String m = error(dir, GOOD.replace("lr: 0.003", "lr:").replace("{beta: 0.2}", "{beta: ~}")
                .replace("suites: [tofu, mia]", "suites: [tofu, mia]\n  max_new_tokens:"));
        assertTrue(m.contains("finetune.lr: no value; give one, or leave the key out (line 7)"), m);
        assertTrue(m.contains("methods[1].config.beta: no value"), m);
        assertTrue(m.contains("eval.max_new_tokens: no value"), m);
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, GOOD);
        m = assertThrows(InvalidInputException.class, () -> RecipeLoader.load(f, java.util.List.of("eval.max_new_tokens=~")))
                .getMessage();
        assertTrue(m.contains("eval.max_new_tokens: no value") && m.contains("--set eval.max_new_tokens=~"), m);
    }

    @Test
    void semanticErrorsNameTheKey(@TempDir Path dir) throws Exception {
        assertTrue(error(dir, GOOD.replace("lr: 0.003", "lr: -1")).contains("finetune.lr"));
        assertTrue(error(dir, GOOD.replace("[tofu, mia]", "[tofu, bogus]")).contains("eval.suites[1]"));
        assertTrue(error(dir, GOOD.replace("[tofu, mia]", "[]")).contains("eval.suites: an empty list would evaluate nothing;"
                + " list the suites, or leave the key out for the default ([tofu, mia, representation, refusal])"));
        assertTrue(error(dir, GOOD.replace("[tofu, mia]", "[tofu, mia]\n  attention_mask: eos")).contains("eval.attention_mask"));
        assertTrue(error(dir, GOOD.replace("kv_heads: 2", "kv_heads: 3")).contains("model.init.kv_heads"));
        assertTrue(error(dir, GOOD.replace("- name: npo-strong\n    method: npo", "- method: ga")).contains("used twice"));
        assertTrue(error(dir, GOOD.replace("  builtin: {authors: 10, seed: 3}\n", "")).contains("data"));
    }

    @Test
    void runNamesMustBeSafeFolderNames(@TempDir Path dir) throws Exception {
        for (String bad : new String[] {"../../victim", "a/b", ".hidden", "npo strong", "a..b", "-x"}) {
            String m = error(dir, GOOD.replace("- name: npo-strong", "- name: '" + bad + "'"));
            assertTrue(m.contains("methods[1].name") && m.contains("path segment") && m.contains(bad), m);
        }
        Path f = dir.resolve("ok.yaml");
        Files.writeString(f, GOOD.replace("- name: npo-strong", "- name: NPO_0.2-strong"));
        assertEquals("NPO_0.2-strong", RecipeLoader.load(f).methods().get(1).label());
    }

    @Test
    void forgetSetsAreCheckedKeyByKey(@TempDir Path dir) throws Exception {
        String b = "builtin: {authors: 10, seed: 3}";
        Path f = dir.resolve("ok.yaml");
        Files.writeString(f, GOOD.replace(b, "builtin: {authors: 10, seed: 3, forget_set: {random: 20, seed: 4}}"));
        assertEquals(20.0, RecipeLoader.load(f).data().builtin().forgetSet().random());
        String[][] bad = {
            {"forget_split: forget10, forget_set: {random: 20, seed: 4}", "forget_split or forget_set, not both"},
            {"forget_set: {random: 20}", "data.builtin.forget_set.seed: required with random"},
            {"forget_set: {random: 0, seed: 1}", "data.builtin.forget_set.random: a percentage"},
            {"forget_set: {random: 20, seed: 1, worst_case: wc}", "exactly one of random"},
            {"forget_set: {}", "exactly one of random"},
            {"forget_set: {worst_case: wc, seed: 1}", "data.builtin.forget_set.seed: only with random"},
            {"forget_set: {worst_case: wc, sha256: abc}", "data.builtin.forget_set.sha256: 64"},
            {"forget_set: {random: 20, seed: 1, size: 2}", "data.builtin.forget_set.size"},
        };
        for (String[] c : bad) {
            String m = error(dir, GOOD.replace(b, "builtin: {authors: 10, seed: 3, " + c[0] + "}"));
            assertTrue(m.contains(c[1]), c[0] + " -> " + m);
        }
    }

    @Test
    void malformedYamlAndMissingFile(@TempDir Path dir) throws Exception {
        String y = error(dir, "data: {builtin: {authors: 3}\n");
        assertTrue(y.contains("not valid YAML"), y);
        String m = assertThrows(InvalidInputException.class, () -> RecipeLoader.load(dir.resolve("nope.yaml"))).getMessage();
        assertTrue(m.contains("nope.yaml"), m);
        for (String empty : new String[] {"", "# a comment only\n"}) {
            String e = error(dir, empty);
            assertTrue(e.contains("is empty: it holds no keys"), e);
        }
        assertTrue(error(dir, "[]\n").contains("expected a mapping"), "a list is not empty, but not a recipe either");
        String nul = error(dir, "name: a\neval: {suites: [tofu, null]}\n");
        assertTrue(nul.contains("eval.suites[1]: expected a string, found null (line 2)"), nul);
        String two = error(dir, "name: a\n---\nname: b\n");
        assertTrue(two.contains("content after the first document") && two.contains("(line 3)"), two);
    }

    @Test
    void everyTrainingKeyBindsIntoTheOneSettingsType(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, GOOD.replace("train: {epochs: 2, lr: 0.001}", "train: {lr: 2.0e-3, epochs: 3, max_steps: 9,"
                + " batch_size: 4, grad_accum: 8, weight_decay: 0.0, warmup_steps: 12, schedule: cosine,"
                + " max_grad_norm: 0.5, max_length: 64, attention_mask: pad_token, max_batch_tokens: 256,"
                + " grad_checkpointing: true}"));
        Recipe r = RecipeLoader.load(f);
        assertEquals(new TrainSettings(2e-3, 3, 9, 4, 8, 0.0, 12, Schedule.COSINE, 0.5, 64, AttentionMasking.PAD_TOKEN, 256,
                true),
                r.methods().get(0).settings());
        assertEquals(TrainSettings.DEFAULTS, r.methods().get(1).settings(), "no train section: the one table");
        assertEquals(TrainSettings.DEFAULTS.with(java.util.Map.of("epochs", 5, "lr", 0.003, "batch_size", 8)),
                r.finetuneSettings(), "omitted finetune keys: the same table");
        String m = error(dir, GOOD.replace("train: {epochs: 2, lr: 0.001}", "train: {epochs: 2, grad_accum: 0}"));
        assertTrue(m.contains("methods[0].train.grad_accum") && m.contains("at least 1"), m);
        Files.writeString(f, GOOD.replace("batch_size: 8}", "batch_size: 8, max_batch_tokens: 512}"));
        assertEquals(512, RecipeLoader.load(f).finetuneSettings().maxBatchTokens(), "finetune: takes the token budget too");
        m = error(dir, GOOD.replace("train: {epochs: 2, lr: 0.001}", "train: {epochs: 2, max_batch_tokens: -1}"));
        assertTrue(m.contains("methods[0].train.max_batch_tokens") && m.contains(">= 0"), m);
        m = error(dir, GOOD.replace("train: {epochs: 2, lr: 0.001}", "train: {epochs: 2, grad_checkpointing: maybe}"));
        assertTrue(m.contains("methods[0].train.grad_checkpointing") && m.contains("true or false"), m);
    }

    @Test
    void shippedTofuRecipeAccumulatesEightMicroBatches() {
        Path recipes = Path.of(System.getProperty("user.dir")).getParent().resolve("recipes");
        Recipe r = RecipeLoader.load(recipes.resolve("tofu-forget10.yaml"));
        for (Recipe.MethodRun m : r.methods()) {
            TrainSettings s = m.settings();
            assertEquals(8, s.gradAccum(), m.label());
            assertEquals(4, s.batchSize(), m.label());
            assertEquals(1.0, s.maxGradNorm(), m.label());
            assertEquals(12, s.warmupSteps(), m.label());
        }
    }

    @Test
    void keysThatWouldNotBeAppliedAreRejected(@TempDir Path dir) throws Exception {
        String ssd = GOOD.replace("- name: npo-strong\n    method: npo\n    config: {beta: 0.2}",
                "- method: ssd\n    train: {lr: 0.001, max_length: 64}");
        String m = error(dir, ssd);
        assertTrue(m.contains("methods[1].train") && m.contains("[lr]") && m.contains("directly"), m);
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, ssd.replace("{lr: 0.001, max_length: 64}", "{max_length: 64, attention_mask: pad_token}"));
        assertEquals(64, RecipeLoader.load(ok).methods().get(1).settings().maxLength(), "ssd tokenizes: these apply");
        Path guard = dir.resolve("guard.yaml");
        Files.writeString(guard, GOOD.replace("method: npo", "method: guard"));
        assertTrue(RecipeLoader.load(guard).methods().stream().anyMatch(r -> r.method().equals("guard")),
                "GUARD is a recipe stage (decoding filters)");
        String guardTrained = error(dir, ssd.replace("method: ssd", "method: guard"));
        assertTrue(guardTrained.contains("methods[1].train") && guardTrained.contains("[lr]")
                && guardTrained.contains("decoding time"), "GUARD does not train: its lr would be dropped: " + guardTrained);
        assertTrue(error(dir, GOOD.replace("method: npo", "method: nope")).contains("methods[1].method"));
        String both = GOOD.replace("  init: {hidden_size: 64, layers: 2, heads: 4, kv_heads: 2, intermediate_size: 128}",
                "  checkpoint: full\n  finetuned: true\n  retain_checkpoint: retain");
        String e = error(dir, both);
        assertTrue(e.contains("finetune:") && e.contains("nothing is fine-tuned"), e);
        // finetuned describes a given checkpoint; a model built from init is always fine-tuned
        String initFinetuned = error(dir, GOOD.replace("intermediate_size: 128}", "intermediate_size: 128}\n  finetuned: true"));
        assertTrue(initFinetuned.contains("model.finetuned:") && initFinetuned.contains("would be ignored"), initFinetuned);
        // leakage settings without the leakage suite
        String leakage = error(dir, GOOD.replace("  suites: [tofu, mia]", "  suites: [tofu, mia]\n  leakage: {relearn_steps: 3}"));
        assertTrue(leakage.contains("eval.leakage:") && leakage.contains("[tofu, mia] leaves out"), leakage);
        Path withSuite = dir.resolve("leakage.yaml");
        Files.writeString(withSuite, GOOD.replace("  suites: [tofu, mia]", "  suites: [tofu, leakage]\n  leakage: {relearn_steps: 3}"));
        assertEquals(3, RecipeLoader.load(withSuite).eval().leakage().relearnSteps());
    }

    // issue 16: train.lora and train.export, the recipe spelling of forget's --lora-* and --export

    private static String lora(String keys) {
        return GOOD.replace("- name: npo-strong\n    method: npo\n    config: {beta: 0.2}",
                "- name: npo-strong\n    method: npo\n    config: {beta: 0.2}\n    train: " + keys);
    }

    @Test
    void loraKeysBindAndBecomeForgetsOptions(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, lora("{lr: 0.01, lora: {rank: 4, alpha: 16, dropout: 0.05, targets: [q_proj, down_proj]},"
                + " export: peft, max_steps: 3}"));
        Recipe.MethodRun m = RecipeLoader.load(f).methods().get(1);
        assertEquals(0.01, m.settings().learningRate());
        assertEquals(3, m.settings().maxSteps());
        dev.unlearn.cli.AdapterOptions a = m.adapterOptions();
        assertTrue(a.enabled() && a.peftExport());
        assertEquals(new dev.unlearn.core.model.LoraConfig(4, 16, 0.05, java.util.List.of("q_proj", "down_proj"), false),
                a.lora.config());
        Files.writeString(f, lora("{lora: {rank: 2, targets: all}}"));
        a = RecipeLoader.load(f).methods().get(1).adapterOptions();
        assertEquals(new dev.unlearn.core.model.LoraConfig(2, 4, 0, java.util.List.of("all"), false), a.lora.config(),
                "alpha 2 x rank, no dropout: forget's defaults");
        assertTrue(!a.peftExport(), "export: merged by default");
        Files.writeString(f, lora("{lora: {rank: 0}}"));
        assertTrue(!RecipeLoader.load(f).methods().get(1).adapterOptions().enabled(), "rank 0: full fine-tuning");
        Files.writeString(f, lora("{lora: {rank: 4, targets: 'q_proj, v_proj'}}"));
        assertEquals(java.util.List.of("q_proj", "v_proj"), RecipeLoader.load(f).methods().get(1).train().lora().targets(),
                "a comma list as --lora-targets takes it");
    }

    @Test
    void loraKeysEnterTheStageFingerprintOnlyWhenGiven(@TempDir Path dir) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, GOOD);
        Recipe.MethodRun plain = RecipeLoader.load(f).methods().get(0);
        assertEquals(json.valueToTree(plain.settings()), json.valueToTree(plain.train()),
                "without lora/export a train section records as before (unchanged fingerprints)");
        Files.writeString(f, lora("{lora: {rank: 4}}"));
        var r4 = json.valueToTree(RecipeLoader.load(f).methods().get(1));
        Files.writeString(f, lora("{lora: {rank: 8}}"));
        var r8 = json.valueToTree(RecipeLoader.load(f).methods().get(1));
        assertEquals(4, r4.at("/train/lora/rank").asInt(), r4.toString());
        assertTrue(!r4.equals(r8), "a changed rank changes the unlearn stage's fingerprint");
        Files.writeString(f, lora("{lora: {rank: 4}, export: peft}"));
        assertEquals("peft", json.valueToTree(RecipeLoader.load(f).methods().get(1)).at("/train/export").asText());
        // run --set reaches the keys like any other
        Files.writeString(f, lora("{lora: {rank: 4}}"));
        Recipe.MethodRun set = RecipeLoader.load(f, java.util.List.of("methods.npo-strong.train.lora.rank=2")).methods().get(1);
        assertEquals(2, set.train().lora().rank());
        String m = assertThrows(InvalidInputException.class,
                () -> RecipeLoader.load(f, java.util.List.of("methods.npo-strong.train.lora.rank=-2"))).getMessage();
        assertTrue(m.contains("methods[1].train.lora.rank") && m.contains("--set"), m);
    }

    @Test
    void precisionKeyBindsAndHalfPrecisionNeedsAdapters(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, lora("{lora: {rank: 4}, precision: bf16}"));
        Recipe.MethodRun m = RecipeLoader.load(f).methods().get(1);
        assertEquals(dev.unlearn.core.model.Precision.BF16, m.train().modelPrecision());
        assertEquals("bf16", new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(m).at("/train/precision").asText(),
                "the key enters the stage fingerprint");
        Files.writeString(f, lora("{lr: 0.01}"));
        assertEquals(dev.unlearn.core.model.Precision.FP32, RecipeLoader.load(f).methods().get(1).train().modelPrecision());
        String e = error(dir, lora("{precision: bf16}"));
        assertTrue(e.contains("methods[1].train.precision") && e.contains("lora.rank"), e);
        e = error(dir, lora("{lora: {rank: 4}, precision: fp8}"));
        assertTrue(e.contains("methods[1].train.precision") && e.contains("fp8"), e);
        e = error(dir, lora("{lora: {rank: 4}, precision: [bf16]}"));
        assertTrue(e.contains("methods[1].train.precision"), e);
    }

    /** A raw-text run cuts its own windows: the QA path's length and masking keys would be dropped, so they are refused. */
    @Test
    void museRecipesRefuseTheKeysTheirWindowsIgnore() {
        Path muse = Path.of("../recipes/muse-demo.yaml");
        RecipeLoader.load(muse);
        for (String[] c : new String[][] {{"finetune.max_length=128", "finetune.max_length"},
            {"methods.0.train.max_length=64", "methods[0].train.max_length"},
            {"methods.0.train.attention_mask=pad_token", "methods[0].train.attention_mask"},
            {"eval.attention_mask=length", "eval.attention_mask"}}) {
            String m = assertThrows(InvalidInputException.class, () -> RecipeLoader.load(muse, java.util.List.of(c[0])),
                    c[0]).getMessage();
            assertTrue(m.contains(c[1] + ": ") && m.contains("leave"), c[0] + ": " + m);
        }
        RecipeLoader.load(Path.of("../recipes/demo.yaml"), java.util.List.of("finetune.max_length=128"));
    }

    @Test
    void referenceCacheKeyBindsAndIsChecked(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, lora("{reference_cache_mb: 0}"));
        Recipe.MethodRun m = RecipeLoader.load(f).methods().get(1);
        assertEquals(0, m.referenceCacheBytes());
        assertEquals(0, new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(m).at("/train/reference_cache_mb").asInt(-1),
                "the key enters the stage fingerprint");
        assertEquals(4L << 30, RecipeLoader.load(dir.resolve("r.yaml"), java.util.List.of("methods.npo-strong.train.lr=0.01"))
                .methods().get(0).referenceCacheBytes(), "the default is the runner's 4 GiB");
        for (String bad : new String[] {"-1", "1.5", "lots"}) {
            String e = error(dir, lora("{reference_cache_mb: " + bad + "}"));
            assertTrue(e.contains("methods[1].train.reference_cache_mb") && e.contains(">= 0"), e);
        }
    }

    @Test
    void unknownLoraKeyNamesItsPath(@TempDir Path dir) throws Exception {
        String m = error(dir, lora("{lora: {rank: 4, rnak: 2}}"));
        assertTrue(m.contains("methods[1].train.lora.rnak") && m.contains("rank") && m.contains("targets"), m);
        m = error(dir, lora("{lora_rank: 4}"));
        assertTrue(m.contains("methods[1].train.lora_rank") && m.contains("lora") && m.contains("export"), m);
    }

    @Test
    void loraValueOfTheWrongTypeNamesItsPath(@TempDir Path dir) throws Exception {
        String m = error(dir, lora("{lora: {rank: four}}"));
        assertTrue(m.contains("methods[1].train.lora.rank") && m.contains("integer"), m);
        m = error(dir, lora("{lora: {rank: 4, targets: 7}}"));
        assertTrue(m.contains("methods[1].train.lora.targets") && m.contains("list"), m);
        m = error(dir, lora("{lora: {rank: 4}, export: [peft]}"));
        assertTrue(m.contains("methods[1].train.export"), m);
    }

    @Test
    void negativeRankAndOtherRangesNameTheirKey(@TempDir Path dir) throws Exception {
        String m = error(dir, lora("{lora: {rank: -1}}"));
        assertTrue(m.contains("methods[1].train.lora.rank") && m.contains(">= 0"), m);
        m = error(dir, lora("{lora: {rank: 4, alpha: 0}}"));
        assertTrue(m.contains("methods[1].train.lora.alpha"), m);
        m = error(dir, lora("{lora: {rank: 4, dropout: 1.0}}"));
        assertTrue(m.contains("methods[1].train.lora.dropout") && m.contains("[0, 1)"), m);
        m = error(dir, lora("{lora: {rank: 4}, export: hf}"));
        assertTrue(m.contains("methods[1].train.export") && m.contains("merged or peft"), m);
        m = error(dir, lora("{lora: {alpha: 8}}"));
        assertTrue(m.contains("methods[1].train.lora.rank") && m.contains("required"), m);
    }

    @Test
    void adapterKeysWithoutAdaptersAreRefused(@TempDir Path dir) throws Exception {
        String m = error(dir, lora("{lora: {rank: 0, alpha: 8}}"));
        assertTrue(m.contains("methods[1].train.lora") && m.contains("lora.alpha") && m.contains("rank > 0"), m);
        m = error(dir, lora("{export: peft}"));
        assertTrue(m.contains("methods[1].train.export") && m.contains("rank"), m);
    }

    @Test
    void targetsTheFamilyLacksAreRefused(@TempDir Path dir) throws Exception {
        String m = error(dir, lora("{lora: {rank: 4, targets: [q_proj, qkv_proj]}}"));
        assertTrue(m.contains("methods[1].train.lora.targets") && m.contains("qkv_proj") && m.contains("llama"), m);
        m = error(dir, lora("{lora: {rank: 4, targets: [q_proj, lm_head]}}"));
        assertTrue(m.contains("methods[1].train.lora.targets[1]") && m.contains("lm_head"), m);
        m = error(dir, lora("{lora: {rank: 4, targets: [all, q_proj]}}"));
        assertTrue(m.contains("methods[1].train.lora.targets[0]") && m.contains("stands alone"), m);
        // a checkpoint's family comes from its config.json
        Path ck = dir.resolve("ck");
        Files.createDirectories(ck);
        Files.writeString(ck.resolve("config.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                dev.unlearn.core.model.ModelConfig.example("phi3", 32, 1, 4, 2, 64, 64).json()));
        String onCk = lora("{lora: {rank: 4, targets: [q_proj]}}").replace(
                "init: {hidden_size: 64, layers: 2, heads: 4, kv_heads: 2, intermediate_size: 128}", "checkpoint: ck");
        m = error(dir, onCk);
        assertTrue(m.contains("methods[1].train.lora.targets") && m.contains("q_proj") && m.contains("qkv_proj"), m);
    }

    @Test
    void directEditsAndDecodingFiltersRefuseAdapters(@TempDir Path dir) throws Exception {
        String m = error(dir, GOOD.replace("- method: ga\n    train: {epochs: 2, lr: 0.001}",
                "- method: ssd\n    train: {lora: {rank: 4}}"));
        assertTrue(m.contains("methods[0].train.lora") && m.contains("directly"), m);
        m = error(dir, GOOD.replace("- method: ga\n    train: {epochs: 2, lr: 0.001}",
                "- method: guard\n    train: {lora: {rank: 4}}"));
        assertTrue(m.contains("methods[0].train.lora") && m.contains("guard"), m);
    }
}

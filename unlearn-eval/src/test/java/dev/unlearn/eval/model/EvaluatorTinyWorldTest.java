package dev.unlearn.eval.model;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.core.testing.Fixtures;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.eval.tofu.TofuAggregation;
import dev.unlearn.eval.tofu.TofuTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 acceptance on the tiny world: the full model (which memorised the forget author) against the
 * retain model (which never saw it). Evaluated once per class: the full model with every suite and the
 * retain model as reference, then the retain model against its own forget log. The synthetic world's
 * perturbed answers perturb the answer, not the paraphrase, so the truth ratio uses the answer as its
 * base ({@link TruthRatioBase#ANSWER}).
 */
class EvaluatorTinyWorldTest {
    @TempDir
    static Path tmp;

    static TinyWorld.Paths3 world;
    static Evaluator.Result full;
    static Evaluator.Result retain;
    static Path fullOut;

    @BeforeAll
    static void evaluateOnce() {
        world = TinyWorld.get();
        full = Evaluator.builder(world.data())
                .optRetainModel(world.retain())
                .optOriginalModel(world.full())
                .optMaxNewTokens(32)
                .optTruthRatioBase(TruthRatioBase.PARAPHRASED)
                .optIdkTemplates(Fixtures.fixture("refusal", "tofu-idontknow.jsonl"))
                .optGradNorm(true)
                .optTitle("full")
                .build()
                .evaluate(world.full());
        fullOut = full.write(tmp.resolve("full"));
        full.write(Path.of("target", "evaluator-preview")); // left for a human look at report.html
        retain = Evaluator.builder(world.data())
                .optRetainLogs(fullOut.resolve("retain_model"))
                .optSuites(List.of("tofu", "mia"))
                .optMaxNewTokens(32)
                .optTruthRatioBase(TruthRatioBase.PARAPHRASED)
                .optTitle("retain")
                .build()
                .evaluate(world.retain());
        System.out.println("tiny-world full:   " + full.summary().toMap());
        System.out.println("tiny-world retain: " + retain.summary().toMap());
        System.out.println("tiny-world mia_loss full " + full.report().results().get("mia_loss").scalars()
                + " retain " + retain.report().results().get("mia_loss").scalars());
        System.out.println("tiny-world results " + full.report().results().keySet());
        System.out.println("tiny-world mia_gradnorm full " + full.report().results().get("mia_gradnorm").scalars());
        Bounds.record("Evaluator.fullForgetQuality", full.summary().value("forget_quality"), "<", 0.05);
        Bounds.record("Evaluator.fullModelUtility", full.summary().value("model_utility"), ">", 0.2);
        Bounds.record("Evaluator.retainModelUtility", retain.summary().value("model_utility"), ">", 0.2);
        Bounds.record("Evaluator.fullForgetRouge", full.summary().value("forget_rougeL_recall"), ">", 0.8);
        Bounds.record("Evaluator.forgetRougeFullMinusRetain", full.summary().value("forget_rougeL_recall")
                - retain.summary().value("forget_rougeL_recall"), ">", 0.2);
        Bounds.record("Evaluator.fullRetainRouge", full.summary().value("retain_rougeL_recall"), ">", 0.8);
        Bounds.record("Evaluator.forgetProbFullMinusRetain", full.summary().value("forget_prob") - retain.summary().value("forget_prob"),
                ">", 0);
        Bounds.record("Evaluator.fullMiaAucLoss", full.summary().value("mia_auc_loss"), ">", 0.9);
        Bounds.record("Evaluator.retainMiaAucLoss", retain.summary().value("mia_auc_loss"), "<", 0.8);
        Bounds.record("Evaluator.fullGradNormAuc", full.report().results().get("mia_gradnorm").scalar("auc"), ">", 0.9);
        Bounds.record("Evaluator.ckaToRetainMean", full.summary().value("cka_to_retain_mean"), "in(0,1]", 1);
        Bounds.record("Evaluator.refusalRateRetain", full.summary().value("refusal_rate_retain"), "==", 0);
    }

    @Test
    void fullModelHasLowForgetQualityAndRetainModelAgainstItselfHasOne() {
        assertTrue(full.summary().value("forget_quality") < 0.05, "full FQ " + full.summary().value("forget_quality"));
        assertEquals(1.0, retain.summary().value("forget_quality"), 0.0);
    }

    @Test
    void utilityAndRougeAreSensible() {
        double mu = full.summary().value("model_utility");
        assertTrue(mu > 0.2 && mu <= 1.0, "full MU " + mu);
        assertTrue(retain.summary().value("model_utility") > 0.2, "retain MU " + retain.summary().value("model_utility"));
        // The full model reproduces the forget answers; the retain model cannot.
        assertTrue(full.summary().value("forget_rougeL_recall") > 0.8, "full forget ROUGE " + full.summary().value("forget_rougeL_recall"));
        assertTrue(retain.summary().value("forget_rougeL_recall") < full.summary().value("forget_rougeL_recall") - 0.2,
                "retain forget ROUGE " + retain.summary().value("forget_rougeL_recall"));
        assertTrue(full.summary().value("retain_rougeL_recall") > 0.8, "full retain ROUGE " + full.summary().value("retain_rougeL_recall"));
        assertTrue(full.summary().value("forget_prob") > retain.summary().value("forget_prob"), "forget Prob.");
        assertFalse(full.summary().generationFiltered());
    }

    @Test
    void logitsProcessorsReachGenerationOnlyAndTheReportSaysSo() {
        // Ban every token of the full model's first forget answer: generations change, likelihoods do not.
        java.util.Set<Long> ids = new java.util.TreeSet<>();
        try (dev.unlearn.core.text.TextTokenizer tok = dev.unlearn.core.text.TextTokenizer.load(world.data())) {
            for (long id : tok.encode(" was born in", false)) {
                ids.add(id);
            }
        }
        long[] banned = ids.stream().mapToLong(Long::longValue).toArray();
        Evaluator.Result filtered;
        // The in-memory route a pipeline takes: models and tokenizer it already holds.
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
                dev.unlearn.core.model.CausalLm lm = dev.unlearn.core.io.Checkpoint.load(world.full(), m);
                dev.unlearn.core.model.CausalLm retainLm = dev.unlearn.core.io.Checkpoint.load(world.retain(), m);
                dev.unlearn.core.text.TextTokenizer tok = dev.unlearn.core.text.TextTokenizer.load(world.data())) {
            filtered = Evaluator.builder(world.data())
                    .optRetainModel(retainLm)
                    .optSuites(List.of("tofu"))
                    .optMaxNewTokens(32)
                    .optTruthRatioBase(TruthRatioBase.PARAPHRASED)
                    .optLogitsProcessors(List.of(dev.unlearn.core.generate.LogitsProcessor.banTokens(banned)))
                    .build()
                    .evaluate(lm, tok);
            // The evaluator must not close models it was given: their weights are still readable.
            assertTrue(lm.parameters().values().iterator().next().toFloatArray().length > 0);
            assertTrue(retainLm.parameters().values().iterator().next().toFloatArray().length > 0);
        }
        assertTrue(filtered.summary().generationFiltered());
        assertTrue(filtered.report().metadata().get("likelihood_metrics_see").startsWith("the unfiltered model"));
        assertEquals(full.summary().value("forget_quality"), filtered.summary().value("forget_quality"), 0.0);
        assertEquals(full.summary().value("forget_prob"), filtered.summary().value("forget_prob"), 0.0);
        Bounds.record("Evaluator.filteredForgetRougeDrop", full.summary().value("forget_rougeL_recall")
                - filtered.summary().value("forget_rougeL_recall"), ">", 0);
        assertTrue(filtered.summary().value("forget_rougeL_recall") < full.summary().value("forget_rougeL_recall"),
                "filtered forget ROUGE " + filtered.summary().value("forget_rougeL_recall"));
    }

    @Test
    void membershipInferenceSeparatesMemorisedFromCounterfactualRows() {
        assertTrue(full.summary().value("mia_auc_loss") > 0.9, "full AUC " + full.summary().value("mia_auc_loss"));
        assertTrue(retain.summary().value("mia_auc_loss") < 0.8, "retain AUC " + retain.summary().value("mia_auc_loss"));
        assertTrue(full.report().results().containsKey("mia_reference"));
        // Memorised rows have small gradients, counterfactual ones large: GradNorm separates them too.
        double gradAuc = full.report().results().get("mia_gradnorm").scalar("auc");
        assertTrue(gradAuc > 0.9, "GradNorm AUC " + gradAuc);
        assertFalse(retain.report().results().containsKey("mia_gradnorm"), "GradNorm is off by default");
    }

    @Test
    void representationAndRefusalRan() {
        double cka = full.summary().value("cka_to_retain_mean");
        assertTrue(cka > 0 && cka <= 1.0 + 1e-9, "CKA " + cka);
        // Compared with itself as the original model, CKA is 1 on every layer.
        assertEquals(1.0, full.report().results().get("representation_cka").scalar("cka_to_original/forget/mean"), 1e-6);
        assertEquals(0.0, full.summary().value("refusal_rate_retain"), 1e-12);
        assertTrue(Double.isNaN(retain.summary().value("cka_to_retain_mean")));
    }

    @Test
    void writesTofuLogsThatTheAggregationReadsBack() {
        for (TofuTask t : TofuTask.values()) {
            assertTrue(Files.isRegularFile(fullOut.resolve(t.fileName())), t.fileName());
        }
        Map<String, Double> agg = TofuAggregation.aggregate(fullOut, fullOut.resolve("retain_model"));
        assertEquals(full.summary().value("forget_quality"), agg.get("Forget Quality"), 0.0);
        assertEquals(full.summary().value("model_utility"), agg.get("Model Utility"), 1e-12);
        assertEquals(20, full.logs().get(TofuTask.FORGET).size());
    }

    @Test
    void reportRendersWithValidCharts() throws IOException {
        assertTrue(Files.size(fullOut.resolve("report.html")) > 0);
        JsonNode json = new ObjectMapper().readTree(fullOut.resolve("report.json").toFile());
        assertEquals(1, json.get("schema_version").asInt());
        assertEquals("holdout10.json", json.get("metadata").get("mia_holdout").asText(),
                "the built-in world ships never-trained authors as holdout10.json");
        assertTrue(json.get("tofu_summary").has("Forget Quality"));
        JsonNode summary = new ObjectMapper().readTree(fullOut.resolve("summary.json").toFile());
        assertTrue(summary.has("forget_quality") && summary.has("cka_to_retain_mean"));
        List<Path> pngs;
        try (Stream<Path> s = Files.list(fullOut)) {
            pngs = s.filter(p -> p.toString().endsWith(".png")).toList();
        }
        assertFalse(pngs.isEmpty(), "no charts written");
        for (Path p : pngs) {
            assertNotNull(ImageIO.read(p.toFile()), "not a readable PNG: " + p);
            assertTrue(Files.readString(fullOut.resolve("report.html")).contains(p.getFileName().toString()), p + " not in report.html");
        }
    }
}

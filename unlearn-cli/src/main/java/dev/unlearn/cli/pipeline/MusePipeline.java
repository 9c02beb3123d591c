package dev.unlearn.cli.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.MuseCorpus;
import dev.unlearn.core.data.RawTextReader;
import dev.unlearn.core.data.TextChunker;
import dev.unlearn.core.data.TextRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.synth.SynthNews;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.FineTune;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.train.TrainingConfig;
import dev.unlearn.eval.leakage.LeakageConfig;
import dev.unlearn.eval.leakage.LeakageItem;
import dev.unlearn.eval.model.EvaluationSummary;
import dev.unlearn.eval.model.Evaluator;
import dev.unlearn.eval.muse.MuseEvaluator;
import dev.unlearn.eval.report.ReportWriter;
import dev.unlearn.methods.run.MethodRunner;
import dev.unlearn.methods.run.RunSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stages of a MUSE-style (raw-text) recipe: {@code data} (the built-in news corpus or the
 * user's folder, digested), {@code finetune-full} (forget + retain corpora, chunked) and
 * {@code finetune-retain} (retain corpora only), {@code unlearn/NAME} on the chunks (methods that need
 * QA pairs, FLAT and PD, are rejected), {@code eval/NAME} (MUSE suite: VerbMem, KnowMem, PrivLeak,
 * utility; the leakage suite on the KnowMem forget questions when asked) and {@code report}.
 * Stage bookkeeping (fingerprints, {@code --only}) is {@link RunPipeline}'s, passed in as a {@link Stager}.
 */
final class MusePipeline {
    /** Runs or reuses one stage (RunPipeline's {@code --only} logic). */
    interface Stager {
        StageRunner.Outcome stage(String name, ObjectNode fingerprint, StageRunner.Work work);
    }

    private final PrintWriter log;
    private final boolean planning;

    /** @param planning whether the stages only plan ({@link StageRunner#plan}): their folders may not exist */
    MusePipeline(PrintWriter log, boolean planning) {
        this.log = log;
        this.planning = planning;
    }

    RunPipeline.Result run(Recipe r, Path recipeDir, Path runDir, Stager st) {
        long seed = r.seed() == null ? 0 : r.seed();
        String template = r.model().template() == null ? "plain" : r.model().template();
        Recipe.MuseData mu = r.data().muse();
        int chunk = mu.chunkTokens() == null ? 128 : mu.chunkTokens();
        int stride = mu.stride() == null ? 0 : mu.stride();
        RawTextReader.Layout layout = RawTextReader.Layout.byName(mu.layout());
        List<StageRunner.Outcome> outcomes = new ArrayList<>();

        MuseCorpus.Names names = new MuseCorpus.Names(mu.forgetCorpus(),
                mu.retainCorpus() == null ? null : Arrays.stream(mu.retainCorpus().split(",")).map(String::strip).toList(),
                mu.holdoutCorpus(), mu.forgetQa(), mu.retainQa(), mu.verbmem(), layout);

        // data
        ObjectNode fpData = StageRunner.fingerprint();
        Path dataDir;
        boolean builtin = mu.builtin() != null;
        StageRunner.Outcome data;
        if (builtin) {
            Recipe.MuseBuiltin b = mu.builtin();
            SynthNews news = new SynthNews(b.authors() == null ? 10 : b.authors(), b.forgetAuthors() == null ? 2 : b.forgetAuthors(),
                    b.holdout() == null ? 2 : b.holdout(), b.seed() == null ? seed : b.seed());
            fpData.put("muse_builtin", news.toString()).put("generator", SynthNews.GENERATOR_VERSION)
                    .put("extra_texts", String.join("|", LeakageConfig.PREFIXES));
            fpData.set("corpus", RunPipeline.JSON.valueToTree(names)); // which of its files every later stage reads
            data = st.stage("data", fpData, dir -> news.write(dir, LeakageConfig.PREFIXES));
            dataDir = data.dir();
        } else {
            dataDir = RunPipeline.resolve(recipeDir, mu.dir(), "data.muse.dir");
            fpData.put("muse_dir", dataDir.toString()).put("muse_sha256", Digests.sha256Directory(dataDir, "manifest.json"));
            fpData.set("muse", RunPipeline.JSON.valueToTree(mu));
            data = st.stage("data", fpData, dir -> RunPipeline.writeJson(dir.resolve("data.json"), fpData));
        }
        outcomes.add(data);
        // a plan runs no stage: it reads the user's corpora (checking their names) but not a built-in corpus,
        // which only the data stage writes
        MuseCorpus corpus = planning && builtin ? null : MuseCorpus.load(dataDir, names);
        if (!planning) {
            log.printf("  MUSE data: %d forget and %d retain documents, %d/%d KnowMem questions, %d VerbMem prompts,"
                    + " %d/%d PrivLeak texts%n", corpus.forget().size(), corpus.retain().size(), corpus.forgetQa().size(),
                    corpus.retainQa().size(), corpus.verbmem().size(), corpus.privleakForget().size(), corpus.privleakHoldout().size());
            log.flush();
        }
        String dataDigest = data.digest();
        Path tokDir = r.model().checkpoint() != null ? RunPipeline.resolve(recipeDir, r.model().checkpoint(), "model.checkpoint")
                : dataDir;

        // full and retain models
        StageRunner.Outcome full = finetuneStage(st, "finetune-full", r, recipeDir, corpus, tokDir, dataDigest, seed, chunk, stride, true);
        StageRunner.Outcome retain = finetuneStage(st, "finetune-retain", r, recipeDir, corpus, tokDir, dataDigest, seed, chunk, stride,
                false);
        outcomes.add(full);
        outcomes.add(retain);
        Path fullModel = RunPipeline.modelOf(full.dir());
        Path retainModel = RunPipeline.modelOf(retain.dir());

        // unlearning
        List<RunPipeline.EvalTarget> toEval = new ArrayList<>();
        String device = r.model().device(); // the fine-tuning stages' device, for every stage that loads a model
        toEval.add(new RunPipeline.EvalTarget(RunPipeline.FULL, RunPipeline.FULL, null, fullModel, full.digest()));
        toEval.add(new RunPipeline.EvalTarget(RunPipeline.RETAIN, RunPipeline.RETAIN, null, retainModel, retain.digest()));
        for (Recipe.MethodRun run : r.methods()) {
            ObjectNode fp = StageRunner.fingerprint();
            fp.put("full", full.digest()).put("data", dataDigest).put("template", template).put("seed", seed)
                    .put("chunk_tokens", chunk).put("stride", stride);
            fp.set("run", RunPipeline.JSON.valueToTree(run));
            RunPipeline.deviceKey(fp, device);
            StageRunner.Outcome o = st.stage("unlearn/" + run.label(), fp, dir -> {
                Map<String, Object> summary = unlearn(fullModel, corpus, run, template, seed, chunk, stride, dataDir,
                        device, dir.resolve("model"));
                RunPipeline.writeJson(dir.resolve("summary.json"), RunPipeline.JSON.valueToTree(summary));
            });
            outcomes.add(o);
            toEval.add(new RunPipeline.EvalTarget(run.label(), RunPipeline.UNLEARNED, run.method(), o.dir().resolve("model"), o.digest()));
        }

        // evaluation
        List<String> suites = r.eval() != null && r.eval().suites() != null ? r.eval().suites() : List.of("muse");
        int maxNew = r.eval() != null && r.eval().maxNewTokens() != null ? r.eval().maxNewTokens() : 128;
        List<RunPipeline.ModelRow> rows = new ArrayList<>();
        for (RunPipeline.EvalTarget e : toEval) {
            ObjectNode fp = StageRunner.fingerprint();
            fp.put("model", e.digest()).put("retain", retain.digest()).put("template", template).put("data", dataDigest);
            fp.set("suites", RunPipeline.JSON.valueToTree(suites));
            fp.set("eval", RunPipeline.JSON.valueToTree(r.eval()));
            RunPipeline.deviceKey(fp, device);
            Path model = e.model();
            StageRunner.Outcome o = st.stage("eval/" + e.name(), fp, dir -> new EvaluationSummary(Map.of())
                    .with(evaluate(e.name(), model, retainModel, corpus, suites, template, maxNew, builtin, r.eval(), seed, device,
                            dir))
                    .write(dir.resolve(Evaluator.SUMMARY)));
            outcomes.add(o);
            if (planning) {
                continue; // nothing was evaluated
            }
            double wall = RunPipeline.UNLEARNED.equals(e.role()) ? wallOf(runDir.resolve("unlearn").resolve(e.name()))
                    : wallOf(RunPipeline.FULL.equals(e.role()) ? full.dir() : retain.dir());
            rows.add(RunPipeline.ModelRow.of(e, EvaluationSummary.read(o.dir().resolve(Evaluator.SUMMARY)), wall));
        }

        StageRunner.Outcome rep = RunPipeline.reportStage(r, outcomes, (fp, title) -> st.stage("report", fp,
                dir -> RunReport.write(dir, title, rows)));
        outcomes.add(rep);
        return new RunPipeline.Result(runDir, rows, outcomes, rep.dir().resolve("report.json"), rep.dir().resolve("report.html"));
    }

    /** Chunks documents with the model's tokenizer. */
    static List<TokenizedExample> chunks(TextTokenizer tok, List<TextRecord> docs, int chunk, int stride) {
        return TextChunker.chunk(tok, docs, chunk, stride);
    }

    private StageRunner.Outcome finetuneStage(Stager st, String name, Recipe r, Path recipeDir, MuseCorpus corpus, Path tokDir,
            String dataDigest, long seed, int chunk, int stride, boolean fullSet) {
        Recipe.ModelSpec m = r.model();
        ObjectNode fp = StageRunner.fingerprint();
        fp.put("data", dataDigest).put("set", fullSet ? "forget+retain" : "retain").put("seed", seed).put("chunk_tokens", chunk)
                .put("stride", stride);
        fp.set("model", RunPipeline.JSON.valueToTree(m));
        fp.set("finetune", RunPipeline.JSON.valueToTree(r.finetune()));
        String pointer = fullSet ? (Boolean.TRUE.equals(m.finetuned()) ? m.checkpoint() : null) : m.retainCheckpoint();
        if (pointer != null) {
            Path p = RunPipeline.resolve(recipeDir, pointer, fullSet ? "model.checkpoint" : "model.retain_checkpoint");
            fp.put("checkpoint_sha256", Digests.sha256Directory(p, Checkpoint.MANIFEST));
            return st.stage(name, fp, dir -> {
                ObjectNode o = RunPipeline.JSON.createObjectNode();
                o.put("path", p.toAbsolutePath().toString());
                RunPipeline.writeJson(dir.resolve("model.json"), o);
            });
        }
        return st.stage(name, fp, dir -> {
            List<TextRecord> docs = new ArrayList<>(corpus.retain());
            if (fullSet) {
                docs.addAll(0, corpus.forget());
            }
            TrainSettings ft = r.finetuneSettings();
            try (TextTokenizer tok = TextTokenizer.load(tokDir); NDManager nd = NDManager.newBaseManager(Engines.device(m.device()))) {
                List<TokenizedExample> ex = chunks(tok, docs, chunk, stride);
                CausalLm lm;
                if (m.init() != null) {
                    lm = CausalLm.random(RunPipeline.initConfig(m.init(), tok, Math.max(512, chunk)), nd, nd.getDevice(), seed + 7);
                } else {
                    lm = Checkpoint.load(RunPipeline.resolve(recipeDir, m.checkpoint(), "model.checkpoint"), nd);
                }
                try (lm) {
                    TrainingConfig.Builder b = ft.toConfig(seed).optLogFile(dir.resolve("train-log.jsonl"));
                    var res = FineTune.run(lm, ex, ft.batchSize(), ft.maxBatchTokens(), tok.padId(), b.build());
                    double acc = FineTune.answerTokenAccuracy(lm, ex, tok.padId());
                    log.printf("  %d chunks of <= %d tokens, %d steps, final loss %.4f, token accuracy %.3f%n", ex.size(), chunk,
                            res.steps(), res.lastLoss(), acc);
                    log.flush();
                    Checkpoint.save(lm, dir.resolve("model"), tokDir, DataType.FLOAT32);
                    ObjectNode s = RunPipeline.JSON.createObjectNode();
                    s.put("chunks", ex.size()).put("steps", res.steps()).put("final_loss", res.lastLoss()).put("token_accuracy", acc);
                    RunPipeline.writeJson(dir.resolve("summary.json"), s);
                }
            }
        });
    }

    private static Map<String, Object> unlearn(Path fullModel, MuseCorpus corpus, Recipe.MethodRun run, String template, long seed,
            int chunk, int stride, Path dataDir, String device, Path outModel) throws IOException {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Engines.device(device)); TextTokenizer tok = TextTokenizer.load(fullModel);
                CausalLm lm = Checkpoint.load(fullModel, m, run.modelPrecision())) {
            dev.unlearn.cli.AdapterOptions adapter = run.adapterOptions();
            adapter.attach(lm, seed);
            RunSummary s = MethodRunner.builder().setModel(lm).optReference(() -> lm.copy(m))
                    .optReferenceCacheDir(outModel.resolveSibling(DefaultSteps.REFERENCE_CACHE))
                    .optReferenceCacheLimit(run.referenceCacheBytes()).setTokenizer(tok)
                    .optTemplate(PromptTemplate.resolve(template, fullModel, null))
                    .optTextExamples(chunks(tok, corpus.forget(), chunk, stride), chunks(tok, corpus.retain(), chunk, stride))
                    .setMethod(run.method()).optConfig(DefaultSteps.config(run.method(), run.config(), dataDir))
                    .setSettings(run.settings().withMaxLength(Math.max(2, chunk))).optSeed(seed).build().run();
            DefaultSteps.save(adapter, lm, fullModel, outModel);
            return s.withReferenceCacheDir(Path.of(DefaultSteps.REFERENCE_CACHE)).toMap();
        }
    }

    private static Map<String, Object> evaluate(String name, Path model, Path retainModel, MuseCorpus corpus, List<String> suites,
            String template, int maxNew, boolean builtin, Recipe.EvalSpec eval, long seed, String device, Path outDir)
            throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        Engines.pytorch();
        if (suites.contains("muse")) {
            try (NDManager m = NDManager.newBaseManager(Engines.device(device)); TextTokenizer tok = TextTokenizer.load(model);
                    CausalLm lm = Checkpoint.load(model, m); CausalLm retain = Checkpoint.load(retainModel, m)) {
                int batch = eval != null && eval.batchSize() != null ? eval.batchSize() : 8;
                MuseEvaluator.Result res = new MuseEvaluator(tok, maxNew, 32, builtin, batch).evaluate(lm, retain, corpus);
                ReportWriter.write(outDir, res.report(name + " (MUSE evaluation)"));
                if (Files.isRegularFile(outDir.resolve("index.html"))) {
                    Files.copy(outDir.resolve("index.html"), outDir.resolve("report.html"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                res.summary().forEach((k, v) -> out.put(k, v == null || !Double.isFinite(v) ? null : v));
            }
        }
        if (suites.contains("leakage")) {
            List<LeakageItem> shots = LeakageItem.of(corpus.retainIcl().isEmpty() ? corpus.retainQa() : corpus.retainIcl());
            out.putAll(LeakageStep.run(model, retainModel, PromptTemplate.resolve(template, model, null), LeakageItem.of(corpus.forgetQa()), shots,
                    LeakageStep.config(eval, seed), Engines.device(device), outDir));
        }
        return out;
    }

    private static double wallOf(Path stageDir) {
        Map<String, Object> m = RunPipeline.readMap(stageDir.resolve("manifest.json"));
        Object w = m.get("wall_seconds");
        return w instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}

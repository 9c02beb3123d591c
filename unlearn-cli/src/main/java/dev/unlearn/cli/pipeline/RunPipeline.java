package dev.unlearn.cli.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.Digests;
import dev.unlearn.core.synth.WorldForgetSet;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.synth.SynthWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.FineTune;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.train.TrainingConfig;
import dev.unlearn.eval.model.EvaluationSummary;
import dev.unlearn.eval.model.Evaluator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a recipe as stages in a run directory: {@code data}, {@code finetune-full},
 * {@code finetune-retain}, {@code unlearn/NAME} for each method run, {@code eval/NAME} for every
 * model, and {@code report}. Each stage is fingerprinted by its config and its inputs' digests
 * ({@link StageRunner}), so a re-run redoes only what changed and an interrupted run resumes.
 */
public final class RunPipeline {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PipelineSteps steps;
    private final PrintWriter log;
    private boolean ranSelected;

    /** Thrown internally when {@code --only} reaches a later stage that is out of date: the run stops there. */
    private static final class StopAfterOnly extends RuntimeException {
        StopAfterOnly() {
            super(null, null, false, false);
        }
    }

    /** The role of a model in the run's report. */
    public static final String FULL = "full";
    /** The retain (retrained) model's role. */
    public static final String RETAIN = "retain";
    /** An unlearned model's role. */
    public static final String UNLEARNED = "unlearned";

    /**
     * One model the run evaluates: its report name, role ({@link #FULL}, {@link #RETAIN},
     * {@link #UNLEARNED}), method (null for full and retain), checkpoint, and the digest of the stage
     * that produced it.
     */
    public record EvalTarget(String name, String role, String method, Path model, String digest) {}

    /**
     * One evaluated model of the run: a report row.
     *
     * @param summary its evaluation summary ({@code eval/NAME/summary.json}): the declared headline values and extras
     */
    public record ModelRow(String name, String role, String method, Path model, EvaluationSummary summary,
            double wallSeconds) {
        /** The row of an evaluated target. */
        public static ModelRow of(EvalTarget t, EvaluationSummary summary, double wallSeconds) {
            return new ModelRow(t.name(), t.role(), t.method(), t.model(), summary, wallSeconds);
        }
    }

    /** The run's outcome: its folder, the rows of the report, and which stages ran. */
    public record Result(Path runDir, List<ModelRow> models, List<StageRunner.Outcome> stages, Path reportJson,
            Path reportHtml) {}

    public RunPipeline(PipelineSteps steps, PrintWriter log) {
        this.steps = steps;
        this.log = log;
    }

    private java.util.function.Function<String, dev.unlearn.core.train.TrainingLoop.Listener> trainingProgress =
            stage -> new dev.unlearn.core.train.TrainingLoop.Listener() {};

    /** Where the fine-tuning stages report their steps: a listener per stage name (the CLI draws a bar). */
    public RunPipeline optTrainingProgress(
            java.util.function.Function<String, dev.unlearn.core.train.TrainingLoop.Listener> progress) {
        this.trainingProgress = progress;
        return this;
    }

    /**
     * Runs the recipe.
     *
     * @param recipeDir folder against which relative paths in the recipe resolve
     * @param runDir the run directory
     * @param only when not null, (re)run just this stage (or every stage under this prefix, e.g.
     *     {@code unlearn}), even if unchanged; the stages before it must be finished and unchanged, and
     *     later stages are not run
     */
    public Result run(Recipe r, Path recipeDir, Path runDir, String only) {
        checkOnly(r, only);
        ranSelected = false;
        refuseOverlap(r, recipeDir, runDir);
        try {
            return runStages(r, recipeDir, runDir, only);
        } catch (StopAfterOnly stop) {
            log.printf("--only %s: done; later stages are out of date and were not run%n", only);
            log.flush();
            return new Result(runDir, List.of(), List.of(), null, null);
        }
    }

    /**
     * What {@link #run} would do, stage by stage, without running, loading or writing anything: each stage's
     * fingerprint is computed as the run computes it (from the recipe and the inputs' digests) and compared
     * with the run directory's finished stage. The checks of a run that need no stage's output apply (the
     * recipe's inputs exist and are read for their digests, the run directory is new or a run directory of
     * unlearn).
     *
     * @param only as for {@link #run}; the plan then ends where the run would stop
     */
    public List<StageRunner.Planned> plan(Recipe r, Path recipeDir, Path runDir, String only) {
        checkOnly(r, only);
        ranSelected = false;
        refuseOverlap(r, recipeDir, runDir);
        try (StageRunner sr = StageRunner.plan(runDir, log)) {
            try {
                runStages(sr, r, recipeDir, runDir, only);
            } catch (StopAfterOnly stop) {
                // the run would stop here too
            }
            return sr.planned();
        }
    }

    private static void checkOnly(Recipe r, String only) {
        if (only != null && !stageNames(r).contains(only)) {
            throw new InvalidInputException("--only " + only + ": no such stage in this recipe; stages: "
                    + String.join(", ", stageNames(r)));
        }
    }

    /**
     * Refuses a run directory that equals, contains or lies inside an input of the recipe (its
     * checkpoints and data folders): replacing a stage folder would delete it.
     */
    static void refuseOverlap(Recipe r, Path recipeDir, Path runDir) {
        Map<String, Path> inputs = new LinkedHashMap<>();
        if (r.model() != null) {
            inputs.put("model.checkpoint", pathOf(recipeDir, r.model().checkpoint()));
            inputs.put("model.retain_checkpoint", pathOf(recipeDir, r.model().retainCheckpoint()));
        }
        if (r.data() != null && r.data().tofu() != null) {
            inputs.put("data.tofu.dir", pathOf(recipeDir, r.data().tofu().dir()));
        }
        if (r.data() != null && r.data().muse() != null) {
            inputs.put("data.muse.dir", pathOf(recipeDir, r.data().muse().dir()));
        }
        if (r.methods() != null) {
            // a user's template file (an absolute path; relative ones name files of the data folder)
            for (int i = 0; i < r.methods().size(); i++) {
                Map<String, Object> c = r.methods().get(i).config();
                if (c != null && c.get("templates") instanceof String t && Path.of(t).isAbsolute()) {
                    inputs.put("methods[" + i + "].config.templates", Path.of(t));
                }
            }
        }
        OutputDirs.refuseOverlap(runDir, inputs);
    }

    private static Path pathOf(Path recipeDir, String p) {
        if (p == null) {
            return null;
        }
        Path path = Path.of(p);
        return path.isAbsolute() ? path : recipeDir.resolve(path).normalize();
    }

    /** A template mapping's chat_template_file made absolute (later steps resolve it without the recipe dir). */
    private static String absoluteTemplateFiles(String template, Path recipeDir) {
        if (!template.trim().startsWith("{")) {
            return template;
        }
        try {
            ObjectNode n = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(template);
            if (n.path("chat_template_file").isTextual()) {
                n.put("chat_template_file", recipeDir.resolve(n.get("chat_template_file").textValue()).toAbsolutePath()
                        .normalize().toString());
            }
            return n.toString();
        } catch (java.io.IOException | ClassCastException ex) {
            return template;
        }
    }

    /**
     * The stages of a recipe's run, and the prefixes {@code unlearn} and {@code eval} that select all of their
     * kind, as {@code --only} takes them (both pipelines, TOFU and MUSE, name their stages alike).
     */
    public static List<String> stageNames(Recipe r) {
        List<String> names = new ArrayList<>(List.of("data", "finetune-full", "finetune-retain", "unlearn"));
        r.methods().forEach(m -> names.add("unlearn/" + m.label()));
        names.addAll(List.of("eval", "eval/" + FULL, "eval/" + RETAIN));
        r.methods().forEach(m -> names.add("eval/" + m.label()));
        names.add("report");
        return names;
    }

    private Result runStages(Recipe r, Path recipeDir, Path runDir, String only) {
        Engines.pytorch();
        try {
            Engines.device(r.model().device()); // a GPU this libtorch cannot serve fails before the run directory is made
        } catch (dev.unlearn.core.InvalidInputException ex) {
            throw new dev.unlearn.core.InvalidInputException("model.device: " + ex.getMessage().replace("Use --device cpu",
                    "Use device: cpu"), ex);
        }
        try (StageRunner sr = new StageRunner(runDir, log)) {
            return runStages(sr, r, recipeDir, runDir, only);
        }
    }

    private Result runStages(StageRunner sr, Recipe r, Path recipeDir, Path runDir, String only) {
        long seed = r.seed() == null ? 0 : r.seed();
        String template = absoluteTemplateFiles(r.model().template() == null ? "auto" : r.model().template(), recipeDir);
        String device = r.model().device(); // every stage that loads a model runs there, not on DJL's default device
        // checked early against the model when it is there (a missing model is named by its own stage)
        Path modelDir = r.model().checkpoint() == null ? null : recipeDir.resolve(r.model().checkpoint());
        boolean present = modelDir != null && Files.isDirectory(modelDir);
        PromptTemplate.resolve(!present && PromptTemplate.usesModelTemplate(template) ? "auto" : template, present ? modelDir : null,
                recipeDir);
        List<StageRunner.Outcome> outcomes = new ArrayList<>();

        // data
        ObjectNode fpData = StageRunner.fingerprint();
        DataLayout[] layout = new DataLayout[1];
        if (r.data().builtin() != null) {
            Recipe.BuiltinData b = r.data().builtin();
            int authors = b.authors() == null ? 10 : b.authors();
            long dataSeed = b.seed() == null ? seed : b.seed();
            Recipe.ForgetSet fs = b.forgetSet();
            String forget = fs != null ? WorldForgetSet.FORGET : b.forgetSplit() == null ? "forget10" : b.forgetSplit();
            fpData.put("builtin_authors", authors).put("builtin_seed", dataSeed).put("generator", SynthWorld.GENERATOR_VERSION)
                    .put("forget_split", forget);
            WorstCaseFile worstCase = fs == null || fs.worstCase() == null ? null : worstCaseFile(recipeDir, fs);
            if (fs != null) {
                ObjectNode set = fpData.putObject("forget_set");
                if (worstCase == null) {
                    set.put("random", fs.random()).put("seed", fs.seed());
                } else {
                    set.put("worst_case_sha256", worstCase.sha256());
                }
            }
            StageRunner.Outcome o = stage(sr, only, "data", fpData, dir -> {
                SynthWorld.Content c = new SynthWorld(authors, dataSeed).write(dir);
                if (fs != null) {
                    WorldForgetSet set = worstCase == null ? WorldForgetSet.random(c, fs.random(), fs.seed())
                            : WorldForgetSet.records(c, QaReader.read(worstCase.file()), worstCase.file().toString());
                    set.write(dir, c);
                    log.printf("forget set: %s%n", set.rule());
                }
            });
            outcomes.add(o);
            layout[0] = new DataLayout(o.dir(), forget, fs != null ? WorldForgetSet.RETAIN : DataLayout.retainFor(forget),
                    List.of("world_facts"), o.dir());
        } else if (r.data().tofu() != null) {
            Recipe.TofuData t = r.data().tofu();
            Path dir = resolve(recipeDir, t.dir(), "data.tofu.dir");
            String forget = t.forgetSplit() == null ? "forget10" : t.forgetSplit();
            String retain = t.retainSplit() == null ? DataLayout.retainFor(forget) : t.retainSplit();
            DataLayout l = new DataLayout(dir, forget, retain, List.of(), null);
            fpData.put("tofu_dir", dir.toString()).put("full_sha256", Digests.sha256(l.full()))
                    .put("forget_sha256", Digests.sha256(l.forget())).put("retain_sha256", Digests.sha256(l.retain()));
            outcomes.add(stage(sr, only, "data", fpData, d -> writeJson(d.resolve("data.json"), fpData)));
            layout[0] = l;
        } else {
            // raw-text (MUSE-style) corpora: their own stages, the same bookkeeping
            return new MusePipeline(log, sr.planning()).run(r, recipeDir, runDir, (n, fp, w) -> stage(sr, only, n, fp, w));
        }
        DataLayout data = layout[0];
        String dataDigest = outcomes.get(0).digest();

        // full and retain models
        StageRunner.Outcome full = finetuneStage(sr, only, "finetune-full", r, recipeDir, data, dataDigest, seed, true);
        StageRunner.Outcome retain = finetuneStage(sr, only, "finetune-retain", r, recipeDir, data, dataDigest, seed, false);
        outcomes.add(full);
        outcomes.add(retain);
        Path fullModel = modelOf(full.dir());
        Path retainModel = modelOf(retain.dir());

        // unlearning runs
        List<ModelRow> rows = new ArrayList<>();
        List<EvalTarget> toEval = new ArrayList<>();
        toEval.add(new EvalTarget(FULL, FULL, null, fullModel, full.digest()));
        toEval.add(new EvalTarget(RETAIN, RETAIN, null, retainModel, retain.digest()));
        for (Recipe.MethodRun run : r.methods()) {
            ObjectNode fp = StageRunner.fingerprint();
            fp.put("full", full.digest());
            fp.put("data", dataDigest);
            fp.set("run", JSON.valueToTree(run));
            fp.set("train", JSON.valueToTree(run.settings()));
            fp.put("template", template);
            fp.put("seed", seed);
            deviceKey(fp, device);
            StageRunner.Outcome o = stage(sr, only, "unlearn/" + run.label(), fp, dir -> {
                Map<String, Object> summary = steps.unlearn(fullModel, data, run, template, seed, device, dir.resolve("model"));
                writeJson(dir.resolve("summary.json"), JSON.valueToTree(summary));
            });
            outcomes.add(o);
            toEval.add(new EvalTarget(run.label(), UNLEARNED, run.method(), o.dir().resolve("model"), o.digest()));
        }

        // evaluation of every model
        List<String> suites = r.eval() != null && r.eval().suites() != null ? r.eval().suites() : Evaluator.DEFAULT_SUITES;
        for (EvalTarget e : toEval) {
            ObjectNode fp = StageRunner.fingerprint();
            fp.put("model", e.digest());
            fp.put("full", full.digest());
            fp.put("retain", retain.digest());
            fp.set("suites", JSON.valueToTree(suites));
            fp.set("eval", JSON.valueToTree(r.eval()));
            fp.put("template", template);
            deviceKey(fp, device);
            Path model = Path.of(e.model().toString());
            StageRunner.Outcome o = stage(sr, only, "eval/" + e.name(), fp,
                    dir -> steps.evaluate(model, fullModel, retainModel, data, suites, template, r.eval(), device, dir)
                            .write(dir.resolve(Evaluator.SUMMARY)));
            outcomes.add(o);
            if (sr.planning()) {
                continue; // nothing was evaluated
            }
            double wall = UNLEARNED.equals(e.role()) ? wallOf(sr.runDir().resolve("unlearn").resolve(e.name()))
                    : wallOf(FULL.equals(e.role()) ? full.dir() : retain.dir());
            rows.add(ModelRow.of(e, EvaluationSummary.read(o.dir().resolve(Evaluator.SUMMARY)), wall));
        }

        // report
        StageRunner.Outcome rep = reportStage(r, outcomes, (fp, title) -> stage(sr, only, "report", fp,
                dir -> RunReport.write(dir, title, rows)));
        outcomes.add(rep);
        return new Result(runDir, rows, outcomes, rep.dir().resolve("report.json"), rep.dir().resolve("report.html"));
    }

    /**
     * The {@code report} stage: its fingerprint holds every stage's digest and the report's title (the recipe's
     * {@code name}), so a renamed recipe rewrites its report.
     */
    static StageRunner.Outcome reportStage(Recipe r, List<StageRunner.Outcome> outcomes,
            java.util.function.BiFunction<ObjectNode, String, StageRunner.Outcome> stage) {
        String title = r.name() == null ? "unlearn run" : r.name();
        ObjectNode fp = StageRunner.fingerprint();
        for (StageRunner.Outcome o : outcomes) {
            fp.put(o.name(), o.digest());
        }
        fp.put("title", title);
        return stage.apply(fp, title);
    }

    private StageRunner.Outcome finetuneStage(StageRunner sr, String only, String name, Recipe r, Path recipeDir,
            DataLayout data, String dataDigest, long seed, boolean fullSet) {
        Recipe.ModelSpec m = r.model();
        ObjectNode fp = StageRunner.fingerprint();
        fp.put("data", dataDigest);
        fp.put("set", fullSet ? "full" : data.retainSplit());
        fp.put("seed", seed);
        fp.set("model", JSON.valueToTree(m));
        fp.set("finetune", JSON.valueToTree(r.finetuneSettings()));
        String pointer = fullSet ? (Boolean.TRUE.equals(m.finetuned()) ? m.checkpoint() : null) : m.retainCheckpoint();
        if (pointer != null) {
            Path p = resolve(recipeDir, pointer, fullSet ? "model.checkpoint" : "model.retain_checkpoint");
            fp.put("checkpoint_sha256", Digests.sha256Directory(p, Checkpoint.MANIFEST));
            return stage(sr, only, name, fp, dir -> {
                ObjectNode o = JSON.createObjectNode();
                o.put("path", p.toAbsolutePath().toString());
                writeJson(dir.resolve("model.json"), o);
            });
        }
        if (m.checkpoint() != null) {
            Path p = resolve(recipeDir, m.checkpoint(), "model.checkpoint");
            fp.put("checkpoint_sha256", Digests.sha256Directory(p, Checkpoint.MANIFEST));
        }
        return stage(sr, only, name, fp, dir -> finetune(dir, r, recipeDir, data, seed, fullSet));
    }

    private void finetune(Path dir, Recipe r, Path recipeDir, DataLayout data, long seed, boolean fullSet)
            throws IOException {
        List<QaRecord> rows = new ArrayList<>(QaReader.read(fullSet ? data.full() : data.retain()));
        for (Path extra : data.extras()) {
            rows.addAll(QaReader.read(extra));
        }
        Recipe.ModelSpec m = r.model();
        Path tokDir = m.checkpoint() != null ? resolve(recipeDir, m.checkpoint(), "model.checkpoint") : data.tokenizerDir();
        TrainSettings ft = r.finetuneSettings();
        try (TextTokenizer tok = TextTokenizer.load(tokDir);
                NDManager nd = NDManager.newBaseManager(Engines.device(m.device()))) {
            List<TokenizedExample> ex = new QaTokenization(tok, PromptTemplate.resolve(
                    m.template() == null ? "auto" : m.template(), tokDir, recipeDir), ft.maxLength(), ft.attentionMask())
                    .tokenizeAll(rows).examples();
            CausalLm lm;
            if (m.init() != null) {
                lm = CausalLm.random(initConfig(m.init(), tok, 512), nd, nd.getDevice(), seed + 7);
            } else {
                lm = dev.unlearn.cli.commands.ModelDirs.load(resolve(recipeDir, m.checkpoint(), "model.checkpoint"), nd, false);
            }
            try (lm) {
                TrainingConfig b = ft.toConfig(seed).optLogFile(dir.resolve("train-log.jsonl")).build();
                var res = FineTune.run(lm, ex, ft.batchSize(), ft.maxBatchTokens(), tok.padId(), b,
                        trainingProgress.apply(fullSet ? "finetune-full" : "finetune-retain"));
                double acc = FineTune.answerTokenAccuracy(lm, ex, tok.padId());
                log.printf("  %d examples, %d steps, final loss %.4f, answer-token accuracy %.3f%n", ex.size(), res.steps(),
                        res.lastLoss(), acc);
                Checkpoint.save(lm, dir.resolve("model"), tokDir, DataType.FLOAT32);
                ObjectNode s = JSON.createObjectNode();
                s.put("examples", ex.size()).put("steps", res.steps()).put("final_loss", res.lastLoss())
                        .put("answer_token_accuracy", acc);
                writeJson(dir.resolve("summary.json"), s);
            }
        }
    }

    private StageRunner.Outcome stage(StageRunner sr, String only, String name, ObjectNode fp, StageRunner.Work w) {
        if (only == null) {
            return sr.stage(name, fp, w);
        }
        if (name.equals(only) || name.startsWith(only + "/")) {
            ranSelected = true;
            return sr.stage(name, fp, w, true);
        }
        Optional<StageRunner.Outcome> done = sr.existing(name, fp);
        if (done.isEmpty() && ranSelected) {
            throw new StopAfterOnly();
        }
        if (done.isEmpty()) {
            throw new InvalidInputException("--only " + only + ": stage '" + name + "' before it is missing or out of date;"
                    + " run without --only first");
        }
        return done.get();
    }

    /** The model directory a finetune stage produced: {@code model/}, or the checkpoint its {@code model.json} names. */
    static Path modelOf(Path stageDir) {
        Path p = stageDir.resolve("model.json");
        if (Files.isRegularFile(p)) {
            return Path.of(readMap(p).get("path").toString());
        }
        return stageDir.resolve("model");
    }

    private static double wallOf(Path stageDir) {
        Map<String, Object> m = readMap(stageDir.resolve("manifest.json"));
        Object w = m.get("wall_seconds");
        return w instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A worst-case forget set's records file and the SHA-256 of its content. */
    public record WorstCaseFile(Path file, String sha256) {}

    /**
     * The records file of {@code data.builtin.forget_set.worst_case}: the file itself, or the
     * {@code forget.json} / {@code forget.jsonl} of an {@code unlearn worst-case} output folder, read for its
     * digest once; a pinned {@code sha256} must match it.
     */
    public static WorstCaseFile worstCaseFile(Path recipeDir, Recipe.ForgetSet fs) {
        String key = "data.builtin.forget_set.worst_case";
        Path p = resolve(recipeDir, fs.worstCase(), key);
        if (Files.isDirectory(p)) {
            Path json = p.resolve("forget.json");
            Path jsonl = p.resolve("forget.jsonl");
            p = Files.isRegularFile(json) ? json : jsonl;
            if (!Files.isRegularFile(p)) {
                throw new InvalidInputException(key + ": folder " + p.getParent() + " has no forget.json or forget.jsonl"
                        + " (the output of 'unlearn worst-case --out DIR')");
            }
        }
        String actual = Digests.sha256(p);
        if (fs.sha256() != null && !actual.equals(fs.sha256())) {
            throw new InvalidInputException(key + ": " + p + " has sha256 " + actual + ", but the recipe pins "
                    + fs.sha256() + " (data.builtin.forget_set.sha256); the file changed since it was pinned");
        }
        return new WorstCaseFile(p, actual);
    }

    static Path resolve(Path recipeDir, String p, String key) {
        Path path = Path.of(p);
        Path abs = path.isAbsolute() ? path : recipeDir.resolve(path).normalize();
        if (!Files.exists(abs)) {
            throw new InvalidInputException(key + ": " + abs + " does not exist (the recipe expects you to provide it)");
        }
        return abs;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readMap(Path p) {
        try {
            return JSON.readValue(p.toFile(), LinkedHashMap.class);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + p, ex);
        }
    }

    /**
     * Records a stage's device in its fingerprint when it is not the CPU (the default, so that the fingerprints of
     * CPU runs stay as they were): a change of device redoes the stage, whose figures may differ in the last bits.
     */
    static void deviceKey(ObjectNode fp, String device) {
        if (device != null && !device.isBlank() && !device.trim().equalsIgnoreCase("cpu")) {
            fp.put("device", device.trim());
        }
    }

    /**
     * The config of a model built from scratch ({@code model.init}): the registered family it names (llama by
     * default) with the tokenizer's vocabulary and special ids; the QA and the raw-text pipeline both build it here.
     */
    static ModelConfig initConfig(Recipe.InitSpec i, TextTokenizer tok, int maxPositions) {
        return ModelConfig.example(i.modelType() == null ? "llama" : i.modelType(), i.hiddenSize(), i.layers(), i.heads(),
                i.kvHeads(), i.intermediateSize(), tok.vocabSize())
                .with("bos_token_id", tok.bosId() == null ? tok.eosId() : tok.bosId())
                .with("eos_token_id", tok.eosId()).with("pad_token_id", tok.padId())
                .with("max_position_embeddings", maxPositions);
    }

    static void writeJson(Path p, JsonNode n) throws IOException {
        JSON.writeValue(p.toFile(), n);
    }
}

package dev.unlearn.cli.commands;

import dev.unlearn.cli.TemplateOption;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.ModelCommand;
import dev.unlearn.cli.SeedOption;
import dev.unlearn.cli.MethodOverrides;
import dev.unlearn.cli.OptionKeys;
import dev.unlearn.cli.TrainingOptions;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.QaWriter;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.methods.spi.ConfigBinder;
import dev.unlearn.methods.spi.MethodConfig;
import dev.unlearn.methods.worstcase.ModelLowerLevel;
import dev.unlearn.methods.worstcase.WorstCaseConfig;
import dev.unlearn.methods.worstcase.WorstCaseProblem;
import dev.unlearn.methods.worstcase.WorstCaseSearch;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unlearn worst-case}: the forget set of a pool that a method erases worst (the bi-level search of WorstCaseSearch). */
@Command(name = "worst-case", mixinStandardHelpOptions = true, defaultValueProvider = TrainingOptions.Defaults.class,
        header = "Find the subset of a QA pool that an unlearning method erases worst (bi-level search).",
        description = {
            "Each outer iteration restores the model, unlearns the pool with per-record forget weights w",
            "(sign-SGD with step --lr, the method's loss with per-sample weights), scores every record's answer NLL",
            "and moves w towards the records that survive (projected step on the capped simplex).",
            "Writes OUT/forget.<ext> (the selected records, same format as --pool, ready for 'unlearn forget'),",
            "OUT/retain.<ext> (the rest of the pool) and OUT/trace.json (J, swaps and wall time per iteration).",
            "--compare-random K unlearns the selected set and K random sets of the same size with the same",
            "budget and writes OUT/comparison.json (mean answer probability exp(-NLL) and NLL after unlearning).",
            "",
            "Examples:",
            "  unlearn worst-case --model models/full --pool world/full.json --size 10%% --method npo --out wc",
            "  unlearn worst-case --model models/full --pool world/full.json --size 2 --entity-level --lr 2e-3 \\",
            "      --w-lr 2 --keep-best --outside-loss remembered --compare-random 5 --out wc-authors"
        })
public class WorstCaseCommand extends ModelCommand {
    @Option(names = "--pool", required = true, paramLabel = "FILE", description = "Candidate QA records, TOFU JSON or JSONL.")
    Path pool;

    @Option(names = "--method", defaultValue = "npo", paramLabel = "NAME", completionCandidates = dev.unlearn.cli.Candidates.WorstCaseMethods.class,
            description = "The unlearning method: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    String method;

    @Mixin
    MethodOverrides sets;

    /** The search's own options, one per {@link WorstCaseConfig} key. */
    @Mixin
    Search search;

    /** --lr (the lower level's sign-SGD step), --batch-size, --max-length, --attention-mask: the training table's. */
    @Mixin
    TrainingOptions.Step training;

    @Option(names = "--compare-random", defaultValue = "0", paramLabel = "K", description = "Also unlearn K random sets of the same size (K ≥ 2) and write comparison.json.")
    int compareRandom;

    @Mixin
    SeedOption seed;

    /** LoRA adapters: the lower level then moves only their A and B on the frozen base. */
    @Mixin
    dev.unlearn.cli.LoraOptions lora;

    @Mixin
    TemplateOption template;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Results folder (forget/retain sets, trace.json): new, empty, or this command's earlier results (replaced whole).")
    Path out;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        try {
            return runSearch();
        } catch (InvalidInputException ex) {
            throw dev.unlearn.cli.OptionKeys.asOption(ex, search.spec); // --size, not "Config key 'size'"
        }
    }

    private int runSearch() throws Exception {
        TrainSettings train = training.settings();
        Engines.pytorch();
        PrintWriter o = out();
        OutputDirs.Results results = OutputDirs.results(out, "worst-case", OutputDirs.inputs("--model", model.dir,
                "--pool", pool, "--template", template.file()));
        if (compareRandom < 0 || compareRandom == 1) {
            throw new InvalidInputException("--compare-random must be 0 (off) or at least 2 (a spread needs two random"
                    + " sets), found " + compareRandom);
        }
        MethodConfig mc = sets.bind(method, Map.of());
        lora.check(method, out);
        WorstCaseConfig config = search.config();
        boolean entityLevel = config.entityLevel();
        ModelLowerLevel.Settings lower = new ModelLowerLevel.Settings(train.learningRate(), config.lowerEpochs(), train.batchSize());
        List<QaRecord> rows = QaReader.read(pool);
        String ext = pool.getFileName().toString().endsWith(".jsonl") ? ".jsonl" : ".json";
        try (dev.unlearn.cli.Ui ui = dev.unlearn.cli.Ui.of(spec); NDManager m = NDManager.newBaseManager(Engines.device(common.device));
                CausalLm lm = ModelDirs.load(model.dir, m, false);
                TextTokenizer tok = TextTokenizer.load(model.dir)) {
            dev.unlearn.core.model.LoraAdapters adapters = lora.attach(lm, seed.value);
            QaTokenization.Result tr = new QaTokenization(tok, template.resolve(model.dir), train.maxLength(), train.attentionMask()).tokenizeAll(rows);
            if (!tr.skipped().isEmpty()) {
                ui.info("skipped %d records with no answer tokens left (they stay in retain)", tr.skipped().size());
            }
            List<TokenizedExample> ex = tr.examples();
            Map<String, QaRecord> byId = new LinkedHashMap<>();
            rows.forEach(r -> byId.put(r.id(), r));
            List<String> entities = new ArrayList<>();
            ex.forEach(e -> entities.add(byId.get(e.id()).entity()));
            try (WorstCaseProblem p = WorstCaseProblem.open(lm, ex, entityLevel ? entities : null, method, mc, lower, seed.value)) {
                WorstCaseSearch.Selection sel = p.search(config, seed.value, ui);
                ui.close();
                Set<String> chosen = new HashSet<>(sel.selectedIds());
                Set<String> chosenEntities = new HashSet<>(sel.selectedUnits());
                List<QaRecord> forget = new ArrayList<>();
                List<QaRecord> retain = new ArrayList<>();
                for (QaRecord r : rows) {
                    boolean in = entityLevel ? r.entity() != null && chosenEntities.contains(r.entity()) : chosen.contains(r.id());
                    (in ? forget : retain).add(r);
                }
                ObjectNode t = trace(sel, p, config, lower, ex.size(), tr.skipped().size());
                if (adapters != null) {
                    t.putPOJO("adapter", adapters.config().toMap());
                }
                String traceJson = JSON.writeValueAsString(t) + "\n";
                WorstCaseProblem.Comparison c = null;
                if (compareRandom > 0) {
                    c = p.compare(sel.selectedUnitIndices(), compareRandom, seed.value, ui);
                    ui.close();
                }
                String comparisonJson = c == null ? null : JSON.writeValueAsString(comparison(c, config, lower)) + "\n";
                results.publish(dir -> {
                    QaWriter.write(dir.resolve("forget" + ext), forget);
                    QaWriter.write(dir.resolve("retain" + ext), retain);
                    Files.writeString(dir.resolve("trace.json"), traceJson, StandardCharsets.UTF_8);
                    if (comparisonJson != null) {
                        Files.writeString(dir.resolve("comparison.json"), comparisonJson, StandardCharsets.UTF_8);
                    }
                });
                o.printf("worst-case %s set: %d of %d %s (%d records); %.2f s per iteration; wrote %s%n", method,
                        sel.selectedUnits().size(), p.units().size(), entityLevel ? "entities" : "records", forget.size(),
                        sel.secondsPerIteration(), out);
                if (sel.trace().stream().allMatch(i -> i.swaps() == 0)) {
                    o.println("note: no record moved in any iteration; raise --w-lr");
                }
                if (c != null) {
                    o.printf("after unlearning: worst-case answer probability %.4f (NLL %.4f); random x%d %.4f ± %.4f (NLL %.4f ± %.4f)%n",
                            c.chosen().meanAnswerProbability(), c.chosen().meanNll(), compareRandom,
                            c.randomProbability().mean(), c.randomProbability().std(), c.randomNll().mean(),
                            c.randomNll().std());
                }
            }
        }
        return 0;
    }

    /**
     * The options of the search itself (a picocli mixin), one per {@link WorstCaseConfig} key
     * ({@code --w-lr} is {@code w_lr}); {@link #config} binds them with the config's defaults.
     */
    static class Search {
        @Spec
        CommandSpec spec;

        @Option(names = "--size", defaultValue = "10%", paramLabel = "N|P%", description = "Target size: a count or a percentage of the pool"
                + " (entities with --entity-level). Default: ${DEFAULT-VALUE}.")
        String size;

        @Option(names = "--iterations", defaultValue = "10", paramLabel = "N", description = "Outer iterations. Default: ${DEFAULT-VALUE}.")
        int iterations;

        @Option(names = "--entity-level", description = "One weight per entity (field 'author'); outputs all records of the selected entities.")
        boolean entityLevel;

        @Option(names = "--w-lr", defaultValue = "0.01", paramLabel = "RATE", description = "Learning rate of the forget weights w (raise it if nothing moves). Default: ${DEFAULT-VALUE}.")
        double wLr;

        @Option(names = "--binarize-every", paramLabel = "N", description = "Binarise w every N iterations (default: only at the end).")
        Integer binarizeEvery;

        @Option(names = "--init", defaultValue = "random-binary", paramLabel = "NAME", description = "random-binary or uniform. Default: ${DEFAULT-VALUE}.")
        String init;

        @Option(names = "--keep-best", description = "Return the evaluated set with the lowest post-unlearning loss (an extension of the published search).")
        boolean keepBest;

        @Option(names = "--outside-loss", defaultValue = "current", paramLabel = "NAME", description = "Loss of the records outside the set: current (as in the published search) or remembered (an extension). Default: ${DEFAULT-VALUE}.")
        String outsideLoss;

        @Option(names = "--lower-epochs", defaultValue = "1", paramLabel = "N", description = "Lower-level passes over the pool. Default: ${DEFAULT-VALUE}.")
        int lowerEpochs;

        /** The search config; a bad value names its key. */
        WorstCaseConfig config() {
            return ConfigBinder.bind("worst-case", WorstCaseConfig.class, WorstCaseConfig.defaults(), OptionKeys.values(spec));
        }
    }

    private ObjectNode trace(WorstCaseSearch.Selection sel, WorstCaseProblem p, WorstCaseConfig config,
            ModelLowerLevel.Settings lower, int poolSize, int skipped) {
        ObjectNode t = JSON.createObjectNode();
        t.put("method", method);
        t.putPOJO("method_overrides", sets.values);
        t.putPOJO("config", ConfigBinder.asMap(config));
        t.set("lower_level", lowerJson(lower));
        t.put("seed", seed.value);
        t.put("pool", pool.toString());
        t.put("pool_records", poolSize);
        t.put("skipped_records", skipped);
        t.put("entity_level", sel.entityLevel());
        t.put("units", p.units().size());
        t.put("target_size", sel.targetSize());
        t.putPOJO("selected_ids", sel.selectedIds());
        t.putPOJO("selected_units", sel.selectedUnits());
        ObjectNode w = t.putObject("weights");
        sel.itemWeights().forEach(w::put);
        t.put("chosen_iteration", sel.chosenIteration());
        ArrayNode its = t.putArray("iterations");
        for (WorstCaseSearch.Iteration i : sel.trace()) {
            ObjectNode n = its.addObject();
            n.put("iteration", i.iteration());
            n.put("objective", i.objective());
            n.put("evaluated", i.evaluated());
            n.put("binary", i.binary());
            n.put("swaps", i.swaps());
            n.put("wall_ms", i.wallMillis());
        }
        t.put("seconds_per_iteration", sel.secondsPerIteration());
        t.put("setup_seconds", p.setupSeconds());
        t.put("wall_seconds", sel.wallSeconds());
        t.put("lower_level_steps", p.lowerLevel().steps());
        t.put("lower_level_skipped_steps", p.lowerLevel().skippedSteps());
        return t;
    }

    private ObjectNode comparison(WorstCaseProblem.Comparison c, WorstCaseConfig config, ModelLowerLevel.Settings lower) {
        ObjectNode j = JSON.createObjectNode();
        j.put("method", method);
        j.putPOJO("method_overrides", sets.values);
        j.put("size", config.size());
        j.set("budget", lowerJson(lower));
        j.put("random_sets", c.random().size());
        j.set("worst_case", outcome(c.chosen()));
        ArrayNode r = j.putArray("random");
        c.random().forEach(x -> r.add(outcome(x)));
        ObjectNode s = j.putObject("random_summary");
        s.putPOJO("answer_probability", c.randomProbability());
        s.putPOJO("nll", c.randomNll());
        j.put("probability_margin_in_random_std", c.probabilityMarginInSpreads());
        j.put("seconds_per_run", c.secondsPerRun());
        j.putNull("forget_quality");
        j.put("forget_quality_note", "not computed: forget quality needs a retain model trained without each compared"
                + " set, and no such model exists for search-chosen or random sets");
        return j;
    }

    private ObjectNode outcome(WorstCaseProblem.SetOutcome x) {
        ObjectNode n = JSON.createObjectNode();
        n.put("label", x.label());
        n.put("records", x.items());
        n.put("mean_answer_probability", x.meanAnswerProbability());
        n.put("mean_nll", x.meanNll());
        n.put("mean_answer_probability_before", x.meanAnswerProbabilityBefore());
        n.put("mean_nll_before", x.meanNllBefore());
        return n;
    }

    private static ObjectNode lowerJson(ModelLowerLevel.Settings lower) {
        ObjectNode n = JSON.createObjectNode();
        n.put("optimizer", "sign-sgd");
        n.put("lr", lower.lr());
        n.put("epochs", lower.epochs());
        n.put("batch_size", lower.batchSize());
        return n;
    }
}

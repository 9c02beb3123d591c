package dev.unlearn.eval.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.AttentionMasking;
import dev.unlearn.core.Progress;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.LogitsProcessor;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.eval.refusal.RefusalDetector;
import dev.unlearn.eval.refusal.RefusalInputs;
import dev.unlearn.eval.report.EvaluationReport;
import dev.unlearn.eval.report.ReportWriter;
import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.Metrics;
import dev.unlearn.eval.spi.Suites;
import dev.unlearn.eval.tofu.TofuInputs;
import dev.unlearn.eval.tofu.TofuLogs;
import dev.unlearn.eval.tofu.TofuTask;
import dev.unlearn.eval.tofu.TofuTaskLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The model-facing façade of {@code unlearn-eval}: runs a model (and optionally the retain and the
 * original model) over a TOFU-layout data directory, evaluates the chosen suites and returns the
 * report, the TOFU logs and the {@link EvaluationSummary} a pipeline reads.
 *
 * <pre>{@code
 * Evaluator.Result r = Evaluator.builder(dataDir)
 *         .optRetainModel(retainDir)
 *         .optForgetSplit("forget10")
 *         .build()
 *         .evaluate(modelDir);
 * double fq = r.summary().value("forget_quality");
 * r.write(outDir);  // TOFU logs, eval_log_aggregated.json, report.json, report.html, PNGs, summary.json
 * }</pre>
 *
 * <p>Suites (default all of {@link #DEFAULT_SUITES}): {@code tofu} (Forget Quality only with a retain
 * model or retain logs), {@code mia} (LOSS, ZLib, Min-K%, Min-K%++; the reference attack with a retain
 * model; GradNorm only with {@link Builder#optGradNorm}), {@code
 * representation} (CKA against the retain/original models when given, k-NN and ridge probes) and
 * {@code refusal} ({@code combined} detector with TOFU's refusal templates when
 * {@link Builder#optIdkTemplates} is set, {@code gcg-prefixes} otherwise; the report metadata says which).
 *
 * <p>Logits processors ({@link Builder#optLogitsProcessors}, e.g. GUARD's filter) shape only the greedy
 * generations (ROUGE, refusal). Truth Ratio, Prob., Forget Quality, MIA and representation numbers see
 * the unfiltered model; the report metadata and {@link EvaluationSummary#generationFiltered} say so.
 */
public final class Evaluator {
    /** The file {@link Result#write} writes the summary to. */
    public static final String SUMMARY = "summary.json";

    /** Suites run by default. */
    public static final List<String> DEFAULT_SUITES = List.of("tofu", "mia", "representation", "refusal");

    private final Path dataDir;
    private final EvalData givenData;
    private final String forgetSplit;
    private final Path retainModelDir;
    private final CausalLm retainModel;
    private final Path retainLogs;
    private final Path originalModelDir;
    private final CausalLm originalModel;
    private final List<String> suites;
    private final PromptTemplate template;
    private final int maxLength;
    private final AttentionMasking attentionMask;
    private final int batchSize;
    private final int maxNewTokens;
    private final Integer maxRows;
    private final List<LogitsProcessor> processors;
    private final java.util.function.Function<CausalLm, ModelRunner.Decoder> decoder;
    private final Path idkTemplates;
    private final String title;
    private final boolean strict;
    private final TruthRatioBase truthRatioBase;
    private final boolean gradNorm;
    private final dev.unlearn.core.model.Precision precision;
    private final Progress progress;
    private final ai.djl.Device device;

    private Evaluator(Builder b) {
        this.dataDir = b.dataDir;
        this.givenData = b.data;
        this.forgetSplit = b.forgetSplit;
        this.retainModelDir = b.retainModelDir;
        this.retainModel = b.retainModel;
        this.retainLogs = b.retainLogs;
        this.originalModelDir = b.originalModelDir;
        this.originalModel = b.originalModel;
        this.suites = List.copyOf(b.suites);
        this.template = b.template;
        this.maxLength = b.maxLength;
        this.attentionMask = b.attentionMask;
        this.batchSize = b.batchSize;
        this.maxNewTokens = b.maxNewTokens;
        this.maxRows = b.maxRows;
        this.processors = List.copyOf(b.processors);
        this.decoder = b.decoder;
        this.idkTemplates = b.idkTemplates;
        this.title = b.title;
        this.strict = b.strict;
        this.truthRatioBase = b.truthRatioBase;
        this.gradNorm = b.gradNorm;
        this.precision = b.precision;
        this.progress = b.progress;
        this.device = b.device;
    }

    /** Starts a builder for a data directory. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /**
     * Starts a builder for splits already read (a pipeline reads them once per run and evaluates every
     * model on the same records); its forget split is {@code data}'s, and {@code optMaxRows} does not apply.
     */
    public static Builder builder(EvalData data) {
        Builder b = new Builder(data.dir());
        b.data = data;
        b.forgetSplit = data.forgetSplit();
        return b;
    }

    /**
     * What one evaluation produced.
     *
     * @param report the report (metric results and metadata; the writer plots this model's FQ/MU point)
     * @param summary the headline numbers
     * @param logs the TOFU task logs of the model under test that were computed
     * @param retainForgetLog the retain model's forget log, or null
     */
    public record Result(EvaluationReport report, EvaluationSummary summary, Map<TofuTask, TofuTaskLog> logs,
            TofuTaskLog retainForgetLog) {
        /**
         * Writes everything into {@code dir}: the TOFU per-task logs and {@code eval_log_aggregated.json}
         * (when all four tasks ran), {@code retain_model/eval_log_forget.json}, the report
         * ({@code report.json}, {@code index.html} and a copy {@code report.html}, PNG charts) and
         * {@code summary.json}.
         *
         * @return the directory
         */
        public Path write(Path dir) {
            writeReport(dir);
            summary.write(dir.resolve(SUMMARY));
            return dir;
        }

        /**
         * Writes everything {@link #write} does except {@code summary.json}, for a caller that adds
         * values to the summary and writes it once itself.
         *
         * @return the directory
         */
        public Path writeReport(Path dir) {
            try {
                Files.createDirectories(dir);
                for (TofuTaskLog log : logs.values()) {
                    TofuLogs.writeTask(dir, log);
                }
                if (logs.size() == TofuTask.values().length) {
                    TofuLogs.writeAggregated(dir.resolve(TofuLogs.AGGREGATED), logs);
                }
                if (retainForgetLog != null) {
                    TofuLogs.writeTask(Files.createDirectories(dir.resolve("retain_model")), retainForgetLog);
                }
                ReportWriter.write(dir, report);
                Files.copy(dir.resolve("index.html"), dir.resolve("report.html"), StandardCopyOption.REPLACE_EXISTING);
                return dir;
            } catch (IOException e) {
                throw new InvalidInputException("cannot write evaluation results into " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Loads a Hugging Face model directory and evaluates it. The tokenizer is read from the model
     * directory when it has {@code tokenizer.json}, else from the data directory.
     */
    public Result evaluate(Path modelDir) {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(device);
                TextTokenizer tok = TextTokenizer.load(Files.isRegularFile(modelDir.resolve("tokenizer.json")) ? modelDir : dataDir);
                CausalLm lm = Checkpoint.load(modelDir, m, precision)) {
            return evaluate(lm, tok, modelDir.toString(), m);
        }
    }

    /** Evaluates a model already in memory (not closed here) with its tokenizer. */
    public Result evaluate(CausalLm model, TextTokenizer tokenizer) {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            return evaluate(model, tokenizer, "in-memory model", m);
        }
    }

    private Result evaluate(CausalLm model, TextTokenizer tokenizer, String modelName, NDManager manager) {
        EvalData data = givenData != null ? givenData : EvalData.load(dataDir, forgetSplit, maxRows);
        List<CausalLm> loaded = new ArrayList<>();
        try {
            CausalLm retainLm = retainModel != null ? retainModel : load(retainModelDir, manager, loaded);
            CausalLm originalLm = originalModel != null ? originalModel : load(originalModelDir, manager, loaded);
            ModelRunner runner = new ModelRunner(model, tokenizer, template, maxLength, batchSize,
                    GenerationConfig.greedy(maxNewTokens), processors, attentionMask)
                    .withDecoder(decoder == null ? null : decoder.apply(model));
            ModelRunner retainRunner = retainLm == null ? null : runner.withModel(retainLm);
            ModelRunner originalRunner = originalLm == null ? null : runner.withModel(originalLm);

            EvaluationContext ctx = new EvaluationContext();
            boolean hasRetain = retainLm != null || retainLogs != null;
            if (retainLogs != null) {
                TofuTaskLog rf = TofuLogs.read(retainLogs).get(TofuTask.FORGET);
                if (rf == null) {
                    throw new InvalidInputException(retainLogs + " holds no " + TofuTask.FORGET.fileName() + "; Forget Quality needs the retain model's forget log");
                }
                ctx.put(TofuInputs.RETAIN_MODEL_FORGET_LOG, rf);
            }
            ctx.put(TofuInputs.STRICT, strict);
            String detector = idkTemplates != null ? RefusalDetector.DEFAULT : "gcg-prefixes";
            if (idkTemplates != null) {
                ctx.put(RefusalInputs.IDK_TEMPLATES, idkTemplates);
            }
            ctx.put(RefusalInputs.DETECTOR, detector);
            ctx.addProvider(new ModelInputProvider(runner, retainRunner, originalRunner, data, truthRatioBase, gradNorm));

            // what runs follows from the metrics' declared inputs (e.g. Forget Quality needs a retain log)
            List<String> metrics = new ArrayList<>();
            for (String suite : suites) {
                metrics.addAll(Suites.metrics(suite));
            }
            Map<String, MetricResult> computed = runReporting(metrics, ctx);
            List<String> summarySuites = new ArrayList<>(DEFAULT_SUITES);
            suites.stream().filter(s -> !summarySuites.contains(s)).forEach(summarySuites::add);
            EvaluationSummary summary = EvaluationSummary.from(computed, Metrics.headlines(summarySuites),
                    !processors.isEmpty() || decoder != null);
            Map<String, MetricResult> results = Metrics.keyedByRecordId(computed, data.recordIds());

            EvaluationReport.Builder rb = EvaluationReport.builder(title != null ? title : modelName + " on " + data.forgetSplit())
                    .addResults(results)
                    .optMetadata("model", modelName)
                    .optMetadata("data", dataDir.toString())
                    .optMetadata("forget_split", data.forgetSplit())
                    .optMetadata("template", template.name())
                    .optMetadata("truth_ratio_base", truthRatioBase.name().toLowerCase(java.util.Locale.ROOT))
                    .optMetadata("max_new_tokens", Integer.toString(maxNewTokens))
                    .optMetadata("mia_holdout", data.holdoutSource())
                    .optMetadata("refusal_detector", detector)
                    .optMetadata("retain_model", retainModelDir != null ? retainModelDir.toString()
                            : retainModel != null ? "in-memory model" : retainLogs != null ? "logs " + retainLogs : "none")
                    .optMetadata("original_model", originalModelDir != null ? originalModelDir.toString()
                            : originalModel != null ? "in-memory model" : "none")
                    .optMetadata("likelihood_metrics_see", processors.isEmpty() && decoder == null ? "the model as generated"
                            : decoder != null ? "the unfiltered model (a decoding filter applies to generation only: ROUGE, refusal)"
                            : "the unfiltered model (" + processors.size() + " logits processor(s) apply to generation only: ROUGE, refusal)");
            Map<TofuTask, TofuTaskLog> logs = new EnumMap<>(TofuTask.class);
            for (TofuTask t : TofuTask.values()) {
                if (suites.contains("tofu") || suites.contains("refusal")) {
                    ctx.find(TofuInputs.log(t)).ifPresent(l -> logs.put(t, l));
                }
            }
            TofuTaskLog retainLog = hasRetain && suites.contains("tofu") ? ctx.find(TofuInputs.RETAIN_MODEL_FORGET_LOG).orElse(null) : null;
            return new Result(rb.build(), summary, logs, retainLog);
        } finally {
            for (CausalLm lm : loaded) {
                lm.close();
            }
        }
    }

    /** {@link Metrics#run} one metric at a time (same order, same results), reporting each to {@link #progress}. */
    private Map<String, MetricResult> runReporting(List<String> metrics, EvaluationContext ctx) {
        Map<String, MetricResult> results = new java.util.LinkedHashMap<>();
        for (int i = 0; i < metrics.size(); i++) {
            progress.update("evaluate", i, metrics.size(), metrics.get(i));
            Metrics.runAvailable(List.of(metrics.get(i)), ctx).forEach(results::putIfAbsent);
        }
        progress.update("evaluate", metrics.size(), metrics.size(), "");
        return results;
    }

    private CausalLm load(Path dir, NDManager m, List<CausalLm> loaded) {
        if (dir == null) {
            return null;
        }
        CausalLm lm = Checkpoint.load(dir, m, precision);
        loaded.add(lm);
        return lm;
    }

    /** Builder; {@code opt…} setters are optional. */
    public static final class Builder {
        private final Path dataDir;
        private EvalData data;
        private String forgetSplit = "forget10";
        private Path retainModelDir;
        private CausalLm retainModel;
        private Path retainLogs;
        private Path originalModelDir;
        private CausalLm originalModel;
        private List<String> suites = DEFAULT_SUITES;
        private PromptTemplate template = PromptTemplate.PLAIN;
        private int maxLength = 512;
        private AttentionMasking attentionMask = AttentionMasking.LENGTH;
        private int batchSize = 8;
        private int maxNewTokens = 200;
        private Integer maxRows;
        private List<LogitsProcessor> processors = List.of();
        private java.util.function.Function<CausalLm, ModelRunner.Decoder> decoder;
        private Path idkTemplates;
        private String title;
        private boolean strict;
        private TruthRatioBase truthRatioBase = TruthRatioBase.PARAPHRASED;
        private boolean gradNorm;
        private dev.unlearn.core.model.Precision precision = dev.unlearn.core.model.Precision.FP32;
        private Progress progress = Progress.NONE;
        private ai.djl.Device device = ai.djl.Device.cpu();

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** Forget split, e.g. {@code forget10} (default). */
        public Builder optForgetSplit(String split) {
            this.forgetSplit = Objects.requireNonNull(split);
            return this;
        }

        /** Retain model directory (Forget Quality, CKA to the retrained model, MIA reference attack). */
        public Builder optRetainModel(Path dir) {
            this.retainModelDir = dir;
            return this;
        }

        /** Retain model in memory (not closed by the evaluator). */
        public Builder optRetainModel(CausalLm model) {
            this.retainModel = model;
            return this;
        }

        /** Retain model's TOFU logs (a directory or aggregated file) instead of running it, for Forget Quality only. */
        public Builder optRetainLogs(Path logs) {
            this.retainLogs = logs;
            return this;
        }

        /** Original model directory (CKA to the original model). */
        public Builder optOriginalModel(Path dir) {
            this.originalModelDir = dir;
            return this;
        }

        /** Original model in memory (not closed by the evaluator). */
        public Builder optOriginalModel(CausalLm model) {
            this.originalModel = model;
            return this;
        }

        /** Suites to run, from {@link #DEFAULT_SUITES} ({@code muse} needs MUSE data and is not run here). */
        public Builder optSuites(List<String> names) {
            for (String n : names) {
                Suites.metrics(n);
                if (n.equals(dev.unlearn.eval.muse.MuseMetrics.SUITE)) {
                    throw new InvalidInputException("the muse suite needs MUSE data; the Evaluator runs " + DEFAULT_SUITES);
                }
            }
            this.suites = List.copyOf(names);
            return this;
        }

        /** Prompt template (default {@link PromptTemplate#PLAIN}). */
        public Builder optTemplate(PromptTemplate t) {
            this.template = Objects.requireNonNull(t);
            return this;
        }

        /** Longest tokenized sequence (default 512, OU's QA value). */
        public Builder optMaxLength(int n) {
            this.maxLength = n;
            return this;
        }

        /**
         * Attention masking of the scoring passes (default {@code LENGTH}; {@code PAD_TOKEN} hides every
         * pad-id token as the reference collators do, see {@link AttentionMasking}).
         */
        public Builder optAttentionMask(AttentionMasking m) {
            this.attentionMask = m == null ? AttentionMasking.LENGTH : m;
            return this;
        }

        /** Scoring batch size (default 8). */
        public Builder optBatchSize(int n) {
            if (n < 1) { // here, before any model loads, not in ModelRunner
                throw new InvalidInputException("batch size (--batch-size) must be at least 1, found " + n);
            }
            this.batchSize = n;
            return this;
        }

        /** New-token budget of greedy generation (default 200, OU). */
        public Builder optMaxNewTokens(int n) {
            if (n < 1) {
                throw new InvalidInputException("max new tokens must be positive, got " + n);
            }
            this.maxNewTokens = n;
            return this;
        }

        /**
         * Refuses a row cap below what a metric of the chosen suites computes on ({@link dev.unlearn.eval.spi.Metric#minRowsPerTask}),
         * so that the evaluation fails before any model runs rather than after the metrics before it.
         */
        private static void checkMaxRows(int maxRows, List<String> suites) {
            if (maxRows < 1) {
                throw new InvalidInputException("max rows (--max-rows) must be at least 1, found " + maxRows);
            }
            for (String suite : suites) {
                for (String name : Suites.metrics(suite)) {
                    int need = Metrics.byName(name).minRowsPerTask();
                    if (maxRows < need) {
                        throw new InvalidInputException("max rows (--max-rows) " + maxRows + " keeps fewer rows per task than"
                                + " metric " + name + " of suite " + suite + " computes on (" + need + "); keep at least "
                                + need + " rows or leave " + suite + " out of the suites");
                    }
                }
            }
        }

        /** Keep the first {@code n} rows of every task (TOFU's {@code ds_size: 300}); default all rows (OU). */
        public Builder optMaxRows(Integer n) {
            this.maxRows = n;
            return this;
        }

        /**
         * A per-prompt decoder of the model under test for the generation-based metrics only (GUARD's
         * filter: detection, then restricted beam search), made from the loaded model; references
         * decode greedily.
         */
        public Builder optDecoder(java.util.function.Function<CausalLm, ModelRunner.Decoder> factory) {
            this.decoder = factory;
            return this;
        }

        /** Logits processors for the generation-based metrics only (e.g. GUARD's filter). */
        public Builder optLogitsProcessors(List<LogitsProcessor> list) {
            this.processors = List.copyOf(list);
            return this;
        }

        /** TOFU's {@code tofu-idontknow.jsonl}; enables the {@code combined} refusal detector. */
        public Builder optIdkTemplates(Path file) {
            this.idkTemplates = file;
            return this;
        }

        /** Report title. */
        public Builder optTitle(String t) {
            this.title = t;
            return this;
        }

        /** Fail (instead of warn) when forget logs of model and retain model differ in size. */
        public Builder optStrict(boolean s) {
            this.strict = s;
            return this;
        }

        /**
         * Base answer of the Retain and Forget truth ratios (default {@link TruthRatioBase#PARAPHRASED},
         * the TOFU reference; {@link TruthRatioBase#ANSWER} for the built-in synthetic world). A retain
         * log passed with {@link #optRetainLogs} must have been computed with the same base.
         */
        public Builder optTruthRatioBase(TruthRatioBase b) {
            this.truthRatioBase = Objects.requireNonNull(b);
            return this;
        }

        /**
         * Runs the GradNorm attack too (off by default: one backward pass per forget and holdout sample,
         * on a copy of the model, so twice the weights' memory).
         */
        /** Progress of the evaluation, one unit per metric ({@link Progress#NONE} by default). */
        public Builder optProgress(Progress p) {
            progress = p == null ? Progress.NONE : p;
            return this;
        }

        public Builder optGradNorm(boolean on) {
            this.gradNorm = on;
            return this;
        }

        /**
         * How the models loaded from directories store their weight matrices (fp32 by default; bf16/fp16
         * halve their memory, {@link dev.unlearn.core.model.Precision}).
         */
        public Builder optPrecision(dev.unlearn.core.model.Precision p) {
            this.precision = p == null ? dev.unlearn.core.model.Precision.FP32 : p;
            return this;
        }

        /**
         * Where the models loaded from directories run (the CPU by default; not DJL's default device, which is a GPU
         * whenever one is visible). A model handed over in memory runs where it is.
         */
        public Builder optDevice(ai.djl.Device d) {
            this.device = d == null ? ai.djl.Device.cpu() : d;
            return this;
        }

        /** Builds the evaluator; fails when both a retain model and retain logs are given. */
        public Evaluator build() {
            if (gradNorm && precision.half()) {
                throw new InvalidInputException("the GradNorm attack back-propagates into the weights, which needs fp32"
                        + " weights; leave out the gradient-norm attack or use precision fp32");
            }
            if ((retainModelDir != null || retainModel != null) && retainLogs != null) {
                throw new InvalidInputException("give either a retain model or retain logs, not both");
            }
            if (retainModelDir != null && retainModel != null || originalModelDir != null && originalModel != null) {
                throw new InvalidInputException("give a model either as a directory or in memory, not both");
            }
            if (maxRows != null) {
                checkMaxRows(maxRows, suites);
            }
            return new Evaluator(this);
        }
    }
}

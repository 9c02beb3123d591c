package dev.unlearn.methods.run;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LoraAdapters;
import dev.unlearn.core.score.SampleScore;
import dev.unlearn.core.score.Scorer;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.train.TrainingConfig;
import dev.unlearn.core.train.TrainingLoop;
import dev.unlearn.methods.spi.ConfigBinder;
import dev.unlearn.methods.spi.DecodingFilters;
import dev.unlearn.methods.spi.DirectEdit;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.LossPlan;
import dev.unlearn.methods.spi.MethodConfig;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.MethodPlan;
import dev.unlearn.methods.spi.MethodSample;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one registered unlearning method on a model, in place (the library entry point behind
 * {@code unlearn forget}). Build with {@link #builder()}, then {@link #run()}:
 *
 * <pre>{@code
 * RunSummary s = MethodRunner.builder().setModel(lm).setTokenizer(tok)
 *         .setForget(forget).optRetain(retain).optReference(() -> lm.copy(parent))
 *         .setMethod("npo").optOverrides(List.of("beta=0.2")).setSettings(TrainSettings.of(1e-3).withEpochs(5)).optSeed(0)
 *         .build().run();
 * }</pre>
 *
 * <p>Order of a run: bind the config over the method's defaults ({@code --set} overrides last); tokenize
 * forget and retain records with the prompt template (records without an answer token are skipped and
 * listed); run the method's checks (methods.md §1.5: empty forget set, overlap, missing retain
 * set/reference, method-specific ones such as FLAT's templates; all {@link InvalidInputException}); ask
 * the method for its {@link MethodPlan}; score both sets; run the plan; score again. The runner knows
 * the plan kinds, never a method:
 *
 * <ul>
 *   <li>{@link LossPlan}: provide its hooks (decoupled prompts, the reference pass, a resident
 *       reference, alternate answers), then core's {@link TrainingLoop} over {@link StepBatchSource},
 *       updating only {@link LossMethod#trainable()} parameters;</li>
 *   <li>{@link DirectEdit}: hand over parameters, policy forward and the tokenised sets;</li>
 *   <li>{@link DecodingFilters}: build the filter file named by {@link Builder#optFilterOut}.</li>
 * </ul>
 *
 * <p>The reference model: the supplier is called at most once, <em>before</em> the policy changes (so
 * {@code () -> lm.copy(parent)} is a valid supplier), only when a hook needs it (decoupled prompts that
 * must generate answers, a reference pass, a resident reference). After the hooks it is closed unless
 * the plan keeps it resident. The runner closes what the supplier returned.
 *
 * <p>Adapter mode: when the model carries LoRA adapters ({@link CausalLm#attachAdapters}), a loss plan
 * trains only their A and B matrices (the base is frozen and gets no optimizer state; a method's
 * parameter selection, RMU's regex, picks the adapters of the weights it selects), dropout is on during
 * the steps, and π_ref is the adapter-disabled base ({@link CausalLm#baseView()}): the supplier is never
 * called and no copy is made. The summary records the adapters and where π_ref came from. Direct edits
 * and decoding filters are refused in adapter mode.
 */
public final class MethodRunner {
    private static final Logger LOG = LoggerFactory.getLogger(MethodRunner.class);
    private static final int SCORE_BATCH = 32;

    private final CausalLm model;
    private final Supplier<CausalLm> referenceSupplier;
    private final List<QaRecord> forget;
    private final List<QaRecord> retain;
    private final TextTokenizer tokenizer;
    private final PromptTemplate template;
    private final String method;
    private final Map<String, ?> config;
    private final List<String> overrides;
    private final TrainSettings settings;
    private final long seed;
    private final Path templatesFile;
    private final PrintStream progress;
    private final List<TrainingLoop.Listener> listeners;
    private final List<TokenizedExample> textForget;
    private final List<TokenizedExample> textRetain;
    private final Path filterOut;

    private final Path referenceCacheDir;
    private final long referenceCacheLimit;
    private final CachedReference.Granularity referenceCacheGranularity;

    private CausalLm reference;
    /**
     * Where π_ref came from, for the summary: null (not used), adapter_disabled_base, model_copy or
     * cached_reference.
     */
    private String referenceKind;
    /** The reference cache's record for the summary (empty when no cache was considered). */
    private final Map<String, Object> referenceCacheRecord = new LinkedHashMap<>();

    private MethodRunner(Builder b) {
        model = b.model;
        referenceSupplier = b.reference;
        forget = b.forget;
        retain = b.retain;
        tokenizer = b.tokenizer;
        template = b.template;
        method = b.method;
        config = b.config;
        overrides = b.overrides;
        settings = b.settings;
        seed = b.seed;
        templatesFile = b.templatesFile;
        progress = b.progress;
        listeners = b.listeners;
        textForget = b.textForget;
        textRetain = b.textRetain;
        filterOut = b.filterOut;
        referenceCacheDir = b.referenceCacheDir;
        referenceCacheLimit = b.referenceCacheLimit;
        referenceCacheGranularity = b.referenceCacheGranularity;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the method; the model is modified in place (decoding filters leave it unchanged and write the
     * filter file given with {@link Builder#optFilterOut}).
     *
     * @throws InvalidInputException for a bad config, data that fails the checks, or decoding filters
     *     without a filter file to write
     */
    public RunSummary run() {
        UnlearningMethod<?> m = Methods.byName(method);
        if (m.kind() == MethodKind.GENERATION_TIME && filterOut == null) {
            throw new InvalidInputException("Method '" + m.name() + "' works at generation time and leaves the weights"
                    + " unchanged; 'forget' runs loss-based methods and direct edits only (use 'unlearn guard build',"
                    + " or a recipe stage).");
        }
        MethodConfig cfg = m.bind(config, overrides);
        QaTokenization tokenization = new QaTokenization(tokenizer, template, settings.maxLength(), settings.attentionMask());
        boolean rawText = textForget != null;
        QaTokenization.Result f = rawText ? new QaTokenization.Result(textForget, List.of()) : tokenization.tokenizeAll(forget);
        QaTokenization.Result r = rawText ? new QaTokenization.Result(textRetain, List.of()) : tokenization.tokenizeAll(retain);
        List<String> skipped = new ArrayList<>(f.skipped());
        skipped.addAll(r.skipped());
        if (!skipped.isEmpty()) {
            LOG.warn("{} records have no answer token left after tokenization and are skipped", skipped.size());
        }
        ModelInfo info = new ModelInfo(model.config().numHiddenLayers(), model.config().hiddenSize(),
                model.config().vocabSize());
        boolean adapterMode = model.adapters() != null;
        MethodContext<CausalLm> ctx = new MethodContext<>(model,
                referenceAvailable() ? this::reference : null,
                rawText ? textSamples(textForget) : samples(forget, f.examples()),
                rawText ? textSamples(textRetain) : samples(retain, r.examples()), List.of(), model.device(), seed,
                templatesFile);
        m.checkFor(cfg, ctx, info);
        MethodPlan plan = m.planFor(cfg, ctx, info);
        if (adapterMode && !(plan instanceof LossPlan)) {
            throw new InvalidInputException("Method '" + m.name() + "' " + (plan instanceof DirectEdit
                    ? "edits the base weights directly (a " + plan.kind().name().toLowerCase(java.util.Locale.ROOT)
                            .replace('_', ' ') + "), so there is nothing for LoRA adapters to train"
                    : "works at generation time and trains nothing")
                    + "; run it without adapters (leave out --lora-rank / the recipe's train.lora).");
        }
        if (!adapterMode && model.precision().half() && !(plan instanceof DecodingFilters)) {
            throw new InvalidInputException("Method '" + m.name() + "' " + (plan instanceof DirectEdit ? "edits" : "trains")
                    + " every weight, which this toolkit does in fp32 only; the model is "
                    + model.precision().key() + ": attach LoRA adapters (the half-precision base stays frozen), or"
                    + " load it in fp32.");
        }
        if (rawText && plan instanceof LossPlan lp && (lp.has(LossPlan.AlternateAnswers.class)
                || lp.has(LossPlan.DecoupledPrompts.class))) {
            throw new InvalidInputException("Method '" + m.name() + "' needs question/answer pairs (it "
                    + (lp.has(LossPlan.DecoupledPrompts.class) ? "decouples prompts from answers"
                            : "pairs forget questions with alternate answers")
                    + "); raw-text corpora work with the methods that need neither (`unlearn methods` lists each method's needs).");
        }
        if (f.examples().isEmpty()) {
            throw new InvalidInputException("Method '" + m.name() + "': no forget record has an answer token left after"
                    + " tokenization (max length " + settings.maxLength() + "); nothing to unlearn.");
        }
        try {
            double fb = meanNll(f.examples());
            double rb = meanNll(r.examples());
            long t0 = System.nanoTime();
            Outcome o;
            // the plan set is sealed: LossPlan, DirectEdit, DecodingFilters
            if (plan instanceof LossPlan lp) {
                o = train(lp, ctx, tokenization, f.examples(), r.examples());
            } else if (plan instanceof DirectEdit edit) {
                DirectEdit.Report e = edit.apply(new DirectEdit.Input(model.parameters(), new LmForward(model, false),
                        f.examples(), r.examples(), tokenizer.padId(), seed, model.manager()));
                o = new Outcome(0, 0, e.tensors(), Double.NaN, e.perTensor(), e.changed(), 0, Map.of());
            } else if (plan instanceof DecodingFilters filters) {
                if (rawText) {
                    throw new InvalidInputException("Method '" + m.name() + "' needs question/answer pairs.");
                }
                DecodingFilters.Report e = filters.build(new DecodingFilters.Input(model, tokenizer, template,
                        forget, retain, seed), filterOut);
                o = new Outcome(0, 0, 0, Double.NaN, Map.of(), 0, 0, e.entries());
            } else {
                throw new IllegalStateException("unknown plan " + plan.getClass().getName());
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            releaseReference();
            RunSummary s = new RunSummary(m.name(), ConfigBinder.asMap(cfg), plan.kind().name(), o.steps, o.skippedSteps,
                    o.tensors, wall, fb, meanNll(f.examples()), rb, meanNll(r.examples()), o.lastLoss, o.edit,
                    o.changed, skipped, o.pdFallbacks, trainRecord(), o.filter,
                    adapterMode ? adapterRecord() : Map.of(), referenceKind, referenceCacheRecord);
            LOG.info("{}: {} steps in {} s; forget NLL {} -> {}, retain NLL {} -> {}", m.name(), s.steps(),
                    String.format("%.1f", wall), fmt(fb), fmt(s.forgetNllAfter()), fmt(rb), fmt(s.retainNllAfter()));
            return s;
        } finally {
            releaseReference();
        }
    }

    /** The settings as applied, for the summary: every key plus the seed. */
    private Map<String, Object> trainRecord() {
        Map<String, Object> t = new LinkedHashMap<>(settings.toMap());
        t.put("seed", seed);
        return t;
    }

    /** The adapters of an adapter-mode run, for the summary: r, alpha, dropout, scale, modules, tensors. */
    private Map<String, Object> adapterRecord() {
        LoraAdapters a = model.adapters();
        Map<String, Object> m = new LinkedHashMap<>();
        if (a == null) {
            return m;
        }
        m.put("base_precision", model.precision().key());
        m.put("rank", a.config().rank());
        m.put("alpha", a.config().alpha());
        m.put("dropout", a.config().dropout());
        m.put("scale", a.scale());
        m.put("rslora", a.config().rslora());
        m.put("target_modules", a.modules());
        m.put("adapted_weights", a.adaptedWeights().size());
        m.put("adapter_parameters", a.parameters().values().stream().mapToLong(NDArray::size).sum());
        return m;
    }

    /** What the method part of a run reports. */
    private record Outcome(long steps, int skippedSteps, int tensors, double lastLoss, Map<String, ?> edit,
            long changed, int pdFallbacks, Map<String, ?> filter) {}

    /**
     * A loss plan: provide its hooks (decoupled prompts, reference pass, resident reference, alternate
     * answers), then core's training loop over {@link StepBatchSource}.
     */
    private Outcome train(LossPlan plan, MethodContext<CausalLm> ctx, QaTokenization tokenization,
            List<TokenizedExample> fx, List<TokenizedExample> rx) {
        LossMethod loss = plan.loss();
        long pad = tokenizer.padId();
        Map<String, TokenizedExample> decoupled = null;
        int fallbacks = 0;
        if (plan.has(LossPlan.DecoupledPrompts.class)) {
            Map<String, TokenizedExample> byId = new LinkedHashMap<>();
            fx.forEach(e -> byId.put(e.id(), e));
            DecoupledSet.Built built = DecoupledSet.build(forget, byId, retain, tokenization, tokenizer,
                    referenceAvailable() ? this::untrainedReference : null, seed);
            decoupled = built.byForgetId();
            fallbacks = built.fallbacks();
            LOG.info("decoupled prompts: {} samples ({} by generation, {} fallbacks)", decoupled.size(),
                    built.generated(), fallbacks);
        }
        List<String> answers = plan.hook(LossPlan.AlternateAnswers.class).map(LossPlan.AlternateAnswers::answers)
                .orElse(List.of());
        Map<String, String> questions = new LinkedHashMap<>();
        for (QaRecord q : forget) {
            questions.put(q.id(), q.question());
        }
        StepBatchSource source = new StepBatchSource(fx, rx, settings.batchSize(), settings.maxBatchTokens(), pad, seed,
                questions, answers, tokenization, decoupled);
        TrainingConfig.Builder tb = settings.toConfig(seed);
        Optional<LossPlan.ReferencePass> pass = plan.hook(LossPlan.ReferencePass.class);
        List<dev.unlearn.core.data.Batch> passBatches = pass.isEmpty() ? List.of()
                : Batches.sequential(fx, settings.batchSize(), settings.maxBatchTokens(), pad);
        ForwardFn cached = cachedReference(plan, source, tb.build(), passBatches);
        if (pass.isPresent()) {
            pass.get().pass().run(cached != null ? cached : new LmForward(reference(), true), passBatches,
                    model.manager());
        }
        ForwardFn reference = null;
        if (plan.has(LossPlan.ResidentReference.class)) {
            reference = cached != null ? cached : new LmForward(reference(), true);
        }
        if (cached == null && reference == null) {
            releaseReference();
        }
        Map<String, NDArray> params = TrainableParameters.select(model, loss);
        if (progress != null) {
            tb.optProgress(progress, 10);
        }
        ForwardFn policy = new LmForward(model, false);
        ForwardFn ref = reference;
        LoraAdapters adapters = model.adapters();
        TrainingLoop loop = new TrainingLoop(tb.build(), params, source, step -> {
            if (adapters != null) {
                // dropout masks depend on (seed, micro-batch) only, so a resumed run draws the same ones
                adapters.seedDropout(seed * 0x9E3779B97F4A7C15L + step.microStep() * 0xC2B2AE3D27D4EB4FL + 0x2545F491L);
            }
            StepLoss s = loss.loss(policy, ref, new StepBatches(step.batch(StepBatchSource.FORGET),
                    step.batches().get(StepBatchSource.RETAIN), step.batches().get(StepBatchSource.TEMPLATES),
                    step.batches().get(StepBatchSource.DECOUPLED)), step.manager());
            s.termValues().forEach(step::metric);
            return s.total();
        });
        listeners.forEach(loop::addListener);
        TrainingLoop.Result res;
        if (adapters != null) {
            adapters.setTraining(true);
        }
        try {
            res = loop.run();
        } finally {
            if (adapters != null) {
                adapters.setTraining(false);
            }
        }
        return new Outcome(res.steps(), res.skippedSteps(), params.size(), res.lastLoss(), Map.of(), 0, fallbacks,
                Map.of());
    }

    /** Whether π_ref can be had: from the supplier, the adapter-disabled base, or the model as given ({@link #modelIsReference}). */
    private boolean referenceAvailable() {
        return referenceSupplier != null || model.adapters() != null || modelIsReference();
    }

    /**
     * Full mode with a cache folder: the model as given is π_ref (the caller's contract), so what runs
     * before the first update may use it without a copy.
     */
    private boolean modelIsReference() {
        return referenceCacheDir != null && model.adapters() == null;
    }

    /** π_ref for what runs before the first update (decoupled prompts' answers): the model itself when it is π_ref. */
    private CausalLm untrainedReference() {
        if (modelIsReference()) {
            if (referenceKind == null) {
                referenceKind = "model_before_update";
            }
            return model;
        }
        return reference();
    }

    /**
     * The cached π_ref of a plan that declares {@link LossPlan.CacheableReference}, in full mode with a
     * cache folder, when the projected cache fits the limit: planned over the micro-batches the loop will
     * run, filled from the model before its first update, written under the folder. Null otherwise (a
     * model copy serves π_ref); the summary records the choice either way.
     */
    private ForwardFn cachedReference(LossPlan plan, StepBatchSource source, TrainingConfig cfg,
            List<dev.unlearn.core.data.Batch> passBatches) {
        Optional<LossPlan.CacheableReference> c = plan.hook(LossPlan.CacheableReference.class);
        if (!modelIsReference() || c.isEmpty()) {
            return null;
        }
        long micro = cfg.maxSteps() > 0 ? cfg.maxSteps() * cfg.accumulation() : epochMicroBatches(source, cfg.epochs());
        referenceCacheRecord.put("uses", c.get().uses().stream().map(dev.unlearn.methods.spi.ReferenceUse::label).toList());
        referenceCacheRecord.put("limit_bytes", referenceCacheLimit);
        // per micro-batch is bit-identical to a resident copy; per example is smaller when examples recur
        CachedReference.Plan p = null;
        long smallest = Long.MAX_VALUE;
        for (CachedReference.Granularity g : referenceCacheGranularity == null ? CachedReference.Granularity.values()
                : new CachedReference.Granularity[] {referenceCacheGranularity}) {
            CachedReference.Plan q = CachedReference.plan(g, c.get().uses(), source, micro, passBatches,
                    model.config().vocabSize(), model.config().hiddenSize(), model.dataType());
            smallest = Math.min(smallest, q.bytes());
            if (q.bytes() <= referenceCacheLimit) {
                p = q;
                break;
            }
        }
        if (p == null) {
            LOG.info("reference cache would take {} bytes, over the limit of {}: using a copy of the model", smallest,
                    referenceCacheLimit);
            referenceCacheRecord.put("used", false);
            referenceCacheRecord.put("projected_bytes", smallest);
            return null;
        }
        long t0 = System.nanoTime();
        ReferenceCache cache = ReferenceCache.create(referenceCacheDir);
        CachedReference.fill(p, model, cache, settings.batchSize(), settings.maxBatchTokens(), tokenizer.padId(),
                model.manager());
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("uses", referenceCacheRecord.get("uses"));
        about.put("granularity", p.granularity().label());
        about.put("model_dtype", model.dataType().name().toLowerCase(java.util.Locale.ROOT));
        cache.writeIndex(about);
        referenceKind = "cached_reference";
        referenceCacheRecord.put("used", true);
        referenceCacheRecord.put("granularity", p.granularity().label());
        referenceCacheRecord.put("dir", referenceCacheDir.toString());
        referenceCacheRecord.put("entries", cache.entries());
        referenceCacheRecord.put("bytes", cache.bytes());
        referenceCacheRecord.put("fill_seconds", (System.nanoTime() - t0) / 1e9);
        LOG.info("reference: {} outputs cached in {} ({} bytes); no model copy", cache.entries(), referenceCacheDir,
                cache.bytes());
        return new CachedReference(cache, p.granularity());
    }

    /** Micro-batches in the first {@code epochs} epochs of the source. */
    private static long epochMicroBatches(StepBatchSource source, int epochs) {
        long n = 0;
        for (int e = 0; e < epochs; e++) {
            n += source.batchesIn(e);
        }
        return n;
    }

    private CausalLm reference() {
        if (reference == null && model.adapters() != null) {
            // adapter mode: the frozen base without its adapters is π_ref; no second copy
            reference = model.baseView();
            referenceKind = "adapter_disabled_base";
            LOG.info("reference: the adapter-disabled base (no copy)");
        }
        if (reference == null && referenceSupplier == null && modelIsReference()) {
            // the model as given is π_ref and nothing has updated it yet: copy it
            reference = model.copy(model.manager());
            referenceKind = "model_copy";
            LOG.info("reference model copied");
        }
        if (reference == null) {
            if (referenceSupplier == null) {
                throw new InvalidInputException("this run needs the reference model, but no supplier was given");
            }
            reference = Objects.requireNonNull(referenceSupplier.get(), "reference supplier returned null");
            referenceKind = "model_copy";
            LOG.info("reference model loaded");
        }
        return reference;
    }

    private void releaseReference() {
        if (reference != null && reference != model && !reference.isBaseView()) {
            reference.close();
            LOG.info("reference model released");
        }
        reference = null;
    }

    private double meanNll(List<TokenizedExample> examples) {
        if (examples.isEmpty()) {
            return Double.NaN;
        }
        return meanNll(model, examples, settings.maxBatchTokens());
    }

    /** Mean over samples of the mean answer-token NLL (samples without targets ignored). */
    public static double meanNll(CausalLm lm, List<TokenizedExample> examples) {
        return meanNll(lm, examples, 0);
    }

    /**
     * {@link #meanNll(CausalLm, List)} scored in batches of at most {@code maxTokens} padded tokens as
     * well (the run's {@code max_batch_tokens}, 0 = off).
     */
    public static double meanNll(CausalLm lm, List<TokenizedExample> examples, int maxTokens) {
        double sum = 0;
        int n = 0;
        for (SampleScore s : Scorer.score(lm, examples, SCORE_BATCH, maxTokens)) {
            if (Double.isFinite(s.meanNll())) {
                sum += s.meanNll();
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static List<MethodSample> samples(List<QaRecord> records, List<TokenizedExample> examples) {
        Map<String, TokenizedExample> byId = new LinkedHashMap<>();
        examples.forEach(e -> byId.put(e.id(), e));
        List<MethodSample> out = new ArrayList<>();
        for (QaRecord r : records) {
            out.add(new MethodSample(r.id(), r.question(), r.answer(), byId.get(r.id())));
        }
        return out;
    }

    /** Raw-text chunks as method samples: no question; the token ids stand in for the text in the overlap check. */
    private static List<MethodSample> textSamples(List<TokenizedExample> examples) {
        List<MethodSample> out = new ArrayList<>();
        for (TokenizedExample e : examples) {
            out.add(new MethodSample(e.id(), "", java.util.Arrays.toString(e.inputIds()), e));
        }
        return out;
    }

    private static String fmt(double v) {
        return String.format("%.4f", v);
    }

    /** Builder: {@code set…} required, {@code opt…} optional; {@link #build()} checks. */
    public static final class Builder {
        private CausalLm model;
        private Supplier<CausalLm> reference;
        private List<QaRecord> forget;
        private List<QaRecord> retain = List.of();
        private TextTokenizer tokenizer;
        private PromptTemplate template = PromptTemplate.PLAIN;
        private String method;
        private Map<String, ?> config = Map.of();
        private List<String> overrides = List.of();
        private TrainSettings settings;
        private long seed;
        private Path templatesFile;
        private PrintStream progress;
        private final List<TrainingLoop.Listener> listeners = new ArrayList<>();
        private List<TokenizedExample> textForget;
        private List<TokenizedExample> textRetain;
        private Path filterOut;
        private Path referenceCacheDir;
        private long referenceCacheLimit = DEFAULT_CACHE_LIMIT;
        private CachedReference.Granularity referenceCacheGranularity;

        /** The default {@link #optReferenceCacheLimit}: 4 GiB. */
        public static final long DEFAULT_CACHE_LIMIT = 4L << 30;

        private Builder() {}

        /**
         * Where a method whose plan is {@link DecodingFilters} (GUARD) writes its filter file; without it
         * such a method is refused (the weights would stay unchanged).
         */
        public Builder optFilterOut(Path file) {
            filterOut = file;
            return this;
        }

        /**
         * Raw-text forget and retain sequences (MUSE-style chunks, {@code dev.unlearn.core.data.TextChunker})
         * instead of question/answer records; the forget records then need not be set. Methods that need
         * QA pairs (FLAT, PD) reject raw text.
         */
        public Builder optTextExamples(List<TokenizedExample> forgetChunks, List<TokenizedExample> retainChunks) {
            textForget = List.copyOf(forgetChunks);
            textRetain = retainChunks == null ? List.of() : List.copyOf(retainChunks);
            if (forget == null) {
                forget = List.of();
            }
            return this;
        }

        /** The policy π_θ, modified in place. */
        public Builder setModel(CausalLm m) {
            model = m;
            return this;
        }

        /**
         * The frozen reference π_ref (the model before unlearning, no gradient), called at most once and
         * before any update; the runner closes what it returns.
         */
        public Builder optReference(Supplier<CausalLm> s) {
            reference = s;
            return this;
        }

        public Builder setForget(List<QaRecord> records) {
            forget = List.copyOf(records);
            return this;
        }

        public Builder optRetain(List<QaRecord> records) {
            retain = records == null ? List.of() : List.copyOf(records);
            return this;
        }

        public Builder setTokenizer(TextTokenizer t) {
            tokenizer = t;
            return this;
        }

        /** Prompt template, default {@link PromptTemplate#PLAIN}. */
        public Builder optTemplate(PromptTemplate t) {
            template = t;
            return this;
        }

        /** Registry name ({@code npo}). */
        public Builder setMethod(String name) {
            method = name;
            return this;
        }

        /** The method's recipe section (snake_case keys) over its defaults. */
        public Builder optConfig(Map<String, ?> values) {
            config = values == null ? Map.of() : values;
            return this;
        }

        /** {@code key=value} overrides applied last ({@code --set}). */
        public Builder optOverrides(List<String> sets) {
            overrides = sets == null ? List.of() : List.copyOf(sets);
            return this;
        }

        /**
         * Optimisation and data settings (every key is applied: lr, epochs, max_steps, batch_size,
         * grad_accum, weight_decay, warmup_steps, schedule, max_grad_norm to the training loop;
         * max_length and attention_mask to tokenization, so to training, scoring and SSD's importance
         * passes alike; batch_size and max_batch_tokens to the forget/retain micro-batches and to NPO's
         * reference pass). A direct edit (SSD) uses only
         * max_length and attention_mask; the CLI rejects the other keys for it.
         */
        public Builder setSettings(TrainSettings s) {
            settings = s;
            return this;
        }

        /** Run seed (batch order, retain draws, template draws, RMU control vector); default 0. */
        public Builder optSeed(long s) {
            seed = s;
            return this;
        }

        /** Where TOFU's {@code idontknow.jsonl} lies (FLAT with {@code templates: tofu-idontknow}). */
        public Builder optTemplatesFile(Path file) {
            templatesFile = file;
            return this;
        }

        /** Progress lines of the training loop (the CLI passes stderr). */
        public Builder optProgress(PrintStream out) {
            progress = out;
            return this;
        }

        /**
         * Full mode (no adapters): serve π_ref from outputs cached under {@code dir} instead of a copy of the
         * model, for plans that declare {@link LossPlan.CacheableReference} when the projected cache fits
         * {@link #optReferenceCacheLimit}. The outputs are computed once per example before the first update
         * <em>from the model itself</em>, so set this only when π_ref is the model as given (the reference
         * supplier, if any, returns a copy of it, as {@code () -> lm.copy(parent)} does); the supplier is then
         * called only when the cache is not used. {@code dir} must be absent or empty; the files stay there
         * after the run. The summary's {@code reference} and {@code reference_cache} record the choice.
         */
        public Builder optReferenceCacheDir(Path dir) {
            referenceCacheDir = dir;
            return this;
        }

        /** The largest reference cache, in bytes, the runner writes (default {@value #DEFAULT_CACHE_LIMIT}, 4 GiB). */
        public Builder optReferenceCacheLimit(long bytes) {
            if (bytes < 0) {
                throw new InvalidInputException("the reference cache limit must be >= 0 bytes, got " + bytes);
            }
            referenceCacheLimit = bytes;
            return this;
        }

        /** Tests: only this granularity is considered (null: per micro-batch when it fits, else per example). */
        Builder optReferenceCacheGranularity(CachedReference.Granularity g) {
            referenceCacheGranularity = g;
            return this;
        }

        /** Step listener of the training loop (loss-based methods). */
        public Builder addListener(TrainingLoop.Listener l) {
            listeners.add(l);
            return this;
        }

        public MethodRunner build() {
            require(model, "model");
            require(forget, "forget records");
            require(tokenizer, "tokenizer");
            require(method, "method");
            require(settings, "settings");
            require(template, "template");
            return new MethodRunner(this);
        }

        private static void require(Object o, String what) {
            if (o == null) {
                throw new InvalidInputException("MethodRunner: the " + what + " must be set");
            }
        }
    }
}

package dev.unlearn.eval.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.data.AttentionMasking;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.Generator;
import dev.unlearn.core.generate.LogitsProcessor;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LmOutput;
import dev.unlearn.core.score.SampleScore;
import dev.unlearn.core.score.Scorer;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.core.score.TokenVocabStats;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.Backprop;
import dev.unlearn.eval.mia.MiaSample;
import dev.unlearn.eval.mia.MiaSamples;
import dev.unlearn.eval.tofu.AnswerLoss;
import dev.unlearn.eval.tofu.TofuSampleLog;
import dev.unlearn.eval.tofu.TofuTask;
import dev.unlearn.eval.tofu.TofuTaskLog;
import dev.unlearn.eval.tofu.TokenPredictions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Runs one {@link CausalLm} with its tokenizer and prompt template over QA rows and turns the outputs
 * into the inputs of the metrics: TOFU task logs, arg-max token predictions, MIA samples, answer-pooled
 * hidden states and greedy responses.
 *
 * <p>Conventions (spec §1): every sequence is tokenized by {@link QaTokenization} (OU layout, §1.2:
 * prompt tokenized on its own, EOS appended and scored). Likelihoods come from {@link Scorer} (§1.3,
 * EOS included); §1.4 quantities (Min-K%, EM/ES) drop the last labelled position. Generation follows
 * OU (§1.5): the prompt ids alone, greedy, {@code maxNewTokens} new tokens, decoded with special
 * tokens skipped, cut at the stop token and stripped; the ground truth is the decoded answer tokens,
 * stripped. Logits processors, when given, apply to generation only: every likelihood-based number
 * sees the unfiltered model.
 *
 * <p>Every forward pass runs in a child manager of the model's manager that is closed before the
 * next batch, so native memory stays flat. Row keys are the 0-based row index within the split, as
 * strings (spec conventions).
 */
public final class ModelRunner {
    private final CausalLm model;
    private final TextTokenizer tokenizer;
    private final QaTokenization tokenization;
    private final int maxLength;
    private final int batchSize;
    private final GenerationConfig generation;
    private final List<LogitsProcessor> processors;
    private Decoder decoder;

    /**
     * Generation of the model under test, prompt by prompt, in place of greedy decoding with the logits
     * processors (GUARD: detect, then restricted beam search). Returns only the new tokens.
     */
    @FunctionalInterface
    public interface Decoder {
        long[] generate(long[] prompt, GenerationConfig config);
    }
    /** Tokenized examples by (sample key, question, answer), shared with the reference runners: each is tokenized once. */
    private final Map<List<String>, TokenizedExample> examples;

    /**
     * @param model the model (not closed here)
     * @param tokenizer its tokenizer (not closed here)
     * @param template prompt template (§1.1)
     * @param maxLength longest tokenized sequence; longer ones are cut (§1.2)
     * @param batchSize batch size of the scoring passes
     * @param generation greedy decoding settings for ROUGE and refusal responses
     * @param processors logits processors applied during generation only (may be empty)
     */
    public ModelRunner(CausalLm model, TextTokenizer tokenizer, PromptTemplate template, int maxLength, int batchSize,
            GenerationConfig generation, List<LogitsProcessor> processors) {
        this(model, tokenizer, template, maxLength, batchSize, generation, processors, AttentionMasking.LENGTH);
    }

    /**
     * As above, with the attention masking of the scoring passes ({@code attention_mask}; greedy
     * generation feeds unpadded prompts and hides nothing).
     */
    public ModelRunner(CausalLm model, TextTokenizer tokenizer, PromptTemplate template, int maxLength, int batchSize,
            GenerationConfig generation, List<LogitsProcessor> processors, AttentionMasking masking) {
        if (batchSize < 1) {
            throw new InvalidInputException("batch size must be positive, got " + batchSize);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.tokenization = new QaTokenization(tokenizer, template, maxLength, masking);
        this.maxLength = maxLength;
        this.batchSize = batchSize;
        this.generation = generation;
        this.processors = List.copyOf(processors);
        this.examples = new java.util.HashMap<>();
    }

    private ModelRunner(CausalLm model, TextTokenizer tokenizer, QaTokenization tokenization, int maxLength, int batchSize,
            GenerationConfig generation, List<LogitsProcessor> processors, Map<List<String>, TokenizedExample> examples) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.tokenization = tokenization;
        this.maxLength = maxLength;
        this.batchSize = batchSize;
        this.generation = generation;
        this.processors = List.copyOf(processors);
        this.examples = examples;
    }

    /** This runner, generating through {@code d} (null: greedy decoding with the logits processors). */
    public ModelRunner withDecoder(Decoder d) {
        decoder = d;
        return this;
    }

    /** The model. */
    public CausalLm model() {
        return model;
    }

    /**
     * A runner for a reference model (retain, original) sharing tokenizer, template and settings but
     * without logits processors: a filter belongs to the model under test, never to its references.
     */
    public ModelRunner withModel(CausalLm other) {
        return new ModelRunner(other, tokenizer, tokenization, maxLength, batchSize, generation, List.of(), examples);
    }

    /**
     * Tokenizes one question/answer pair under a key; fails naming the key when no answer token remains.
     * A pair is tokenized once per evaluation: the same key, question and answer return the cached
     * example (shared by the runners of the model under test and its references).
     */
    public TokenizedExample example(String key, String question, String answer) {
        List<String> k = List.of(key, question, answer);
        TokenizedExample e = examples.get(k);
        if (e == null) {
            e = tokenization.tokenize(key, question, answer);
            examples.put(k, e);
        }
        return e;
    }

    /** Scores answers: one {@link AnswerLoss} per example (§1.3). */
    public List<AnswerLoss> losses(List<TokenizedExample> examples) {
        List<AnswerLoss> out = new ArrayList<>(examples.size());
        for (SampleScore s : Scorer.score(model, examples, batchSize)) {
            out.add(AnswerLoss.of(s.id(), s.tokenLogProbs()));
        }
        return out;
    }

    /**
     * The TOFU log of one task (spec §2.1–2.2) with the reference base answer
     * ({@link TruthRatioBase#PARAPHRASED}).
     *
     * @param task the task
     * @param rows the split's rows in file order
     */
    public TofuTaskLog taskLog(TofuTask task, List<QaRecord> rows) {
        return taskLog(task, rows, TruthRatioBase.PARAPHRASED);
    }

    /**
     * The TOFU log of one task (spec §2.1–2.2): {@code answer} scored as ground truth; the base answer
     * is chosen by {@code base} for Retain and Forget and is {@code answer} itself for Real Authors and
     * Real World; every {@code perturbed_answer} scored; one greedy generation per row.
     *
     * @param task the task
     * @param rows the split's rows in file order
     * @param base base answer of Retain and Forget rows
     */
    public TofuTaskLog taskLog(TofuTask task, List<QaRecord> rows, TruthRatioBase base) {
        if (rows.isEmpty()) {
            throw new InvalidInputException("no rows to evaluate for TOFU task " + task.displayName());
        }
        int k = rows.get(0).perturbedAnswers().size();
        List<TokenizedExample> gt = new ArrayList<>();
        List<TokenizedExample> para = new ArrayList<>();
        List<TokenizedExample> pert = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            QaRecord r = rows.get(i);
            String key = Integer.toString(i);
            String baseAnswer = task.multipleChoice() || base == TruthRatioBase.ANSWER ? r.answer() : r.paraphrasedAnswer();
            if (baseAnswer == null) {
                throw new InvalidInputException("row " + i + " of the " + task.displayName()
                        + " split has no paraphrased_answer; TOFU's " + task.fileName() + " needs *_perturbed rows");
            }
            if (r.perturbedAnswers().isEmpty() || r.perturbedAnswers().size() != k) {
                throw new InvalidInputException("row " + i + " of the " + task.displayName() + " split has "
                        + r.perturbedAnswers().size() + " perturbed answers, row 0 has " + k + "; every row needs the same non-zero number");
            }
            gt.add(example(key, r.question(), r.answer()));
            para.add(example(key, r.question(), baseAnswer));
            for (String p : r.perturbedAnswers()) {
                pert.add(example(key, r.question(), p));
            }
        }
        List<AnswerLoss> gtL = losses(gt);
        List<AnswerLoss> paraL = losses(para);
        List<AnswerLoss> pertL = losses(pert);
        SortedMap<Integer, TofuSampleLog> samples = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Generation g = generate(gt.get(i));
            AnswerLoss[] p = pertL.subList(i * k, (i + 1) * k).toArray(new AnswerLoss[0]);
            samples.put(i, TofuSampleLog.of(gtL.get(i), g.input(), g.output(), g.groundTruth(), paraL.get(i), p));
        }
        return TofuTaskLog.fromSamples(task, samples);
    }

    /**
     * One greedy generation (§1.5, OU semantics).
     *
     * @param input the decoded prompt
     * @param output the decoded, stripped continuation
     * @param groundTruth the decoded, stripped answer tokens
     */
    public record Generation(String input, String output, String groundTruth) {}

    /** Generates from the prompt part of a tokenized example. */
    public Generation generate(TokenizedExample e) {
        long[] prompt = Arrays.copyOf(e.inputIds(), e.promptLength());
        long[] out = decoder != null ? decoder.generate(prompt, generation)
                : Generator.generate(model, prompt, generation, processors);
        String input = tokenizer.decode(prompt, true);
        String text = tokenizer.decode(out, true).strip();
        String truth = tokenizer.decode(Arrays.copyOfRange(e.inputIds(), e.promptLength(), e.length()), true).strip();
        return new Generation(input, text, truth);
    }

    /** Greedy responses to the questions of {@code rows}, keyed by row index. */
    public Map<String, String> responses(List<QaRecord> rows) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            out.put(Integer.toString(i), generate(example(Integer.toString(i), rows.get(i).question(), rows.get(i).answer())).output());
        }
        return out;
    }

    /** Tokenized ground-truth answers of rows, keyed by row index. */
    public List<TokenizedExample> answers(List<QaRecord> rows) {
        List<TokenizedExample> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            out.add(example(Integer.toString(i), rows.get(i).question(), rows.get(i).answer()));
        }
        return out;
    }

    /**
     * MIA samples of rows (spec §4): LOSS mean loss with EOS (§1.3); Min-K% log-probs and Min-K%++
     * statistics at the §1.4 positions (last labelled position dropped); ZLib text = decoded answer
     * tokens with special tokens skipped; the reference loss under {@code reference} when given.
     * No gradient norms (see the overload).
     *
     * @param rows rows in order; keys are row indices
     * @param reference reference (retain) model, or null
     */
    public MiaSamples miaSamples(List<QaRecord> rows, CausalLm reference) {
        return miaSamples(rows, reference, false);
    }

    /**
     * MIA samples as {@link #miaSamples(List, CausalLm)}, with the GradNorm attack's per-tensor gradient
     * 2-norms when {@code withGradients} (see {@link #gradientNorms}).
     */
    public MiaSamples miaSamples(List<QaRecord> rows, CausalLm reference, boolean withGradients) {
        List<TokenizedExample> ex = answers(rows);
        double[][] grads = withGradients ? gradientNorms(ex, 2) : null;
        List<SampleScore> scores = Scorer.score(model, ex, batchSize);
        List<TokenVocabStats> stats = Scorer.vocabStats(model, ex, batchSize);
        List<SampleScore> ref = reference == null ? null : Scorer.score(reference, ex, batchSize);
        Map<String, MiaSample> out = new LinkedHashMap<>();
        for (int i = 0; i < ex.size(); i++) {
            TokenizedExample e = ex.get(i);
            SampleScore s = scores.get(i);
            int n = Math.max(0, s.tokenCount() - 1);
            TokenVocabStats v = stats.get(i);
            double[] var = new double[n];
            for (int t = 0; t < n; t++) {
                var[t] = v.std()[t] * v.std()[t];
            }
            MiaSample.VocabStats vs = new MiaSample.VocabStats(Arrays.copyOf(v.logProb(), n), Arrays.copyOf(v.mean(), n), var);
            String text = tokenizer.decode(Arrays.copyOfRange(e.inputIds(), e.promptLength(), e.length()), true);
            out.put(e.id(), new MiaSample(s.meanNll(), text, Arrays.copyOf(s.tokenLogProbs(), n), vs, grads == null ? null : grads[i],
                    ref == null ? Double.NaN : ref.get(i).meanNll()));
        }
        return new MiaSamples(out);
    }

    /**
     * GradNorm inputs (spec §4.6): for each example alone (batch size 1), back-propagates
     * {@code ℓ = −mean(lp)} over the §1.4 positions (answer tokens, EOS target dropped) and returns the
     * p-norm of every parameter tensor's gradient, in {@link CausalLm#parameters()} order. Runs on a deep
     * copy of the model made for each example (so no gradient accumulates across examples), and the
     * model itself is never marked for gradients; each copy costs one more set of weights. An example without §1.4 position
     * gets an empty array (the attack then rejects it by key).
     *
     * @param examples tokenized answers
     * @param p 1, 2 or {@code Double.POSITIVE_INFINITY}
     */
    public double[][] gradientNorms(List<TokenizedExample> examples, double p) {
        if (p != 1 && p != 2 && p != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("GradNorm p must be 1, 2 or infinity, got " + p);
        }
        double[][] out = new double[examples.size()][];
        for (int i = 0; i < examples.size(); i++) {
            TokenizedExample e = examples.get(i);
            int n = e.length() - e.promptLength() - 1;
            if (n <= 0) {
                out[i] = new double[0];
                continue;
            }
            long[] labels = new long[e.length()];
            Arrays.fill(labels, TokenizedExample.IGNORE);
            for (int t = e.promptLength(); t < e.length() - 1; t++) {
                labels[t] = e.inputIds()[t];
            }
            // A fresh copy per example: its gradients start empty, so nothing depends on how (or whether)
            // the engine zeroes accumulated gradients between backward passes.
            try (CausalLm copy = model.copy(model.manager()); NDManager step = copy.manager().newSubManager()) {
                Map<String, NDArray> params = copy.parameters();
                params.values().forEach(a -> a.setRequiresGradient(true));
                try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                    NDArray ids = step.create(e.inputIds(), new Shape(1, e.length()));
                    NDArray logits = copy.forward(ids, null, false).logits();
                    TokenLogProbs.Result r = TokenLogProbs.of(logits, step.create(labels, new Shape(1, e.length())));
                    Backprop.backward(gc, Scalars.div(r.sumPerSample().sum().neg(), n));
                }
                double[] norms = new double[params.size()];
                int j = 0;
                for (NDArray w : params.values()) {
                    NDArray g = w.getGradient().toType(DataType.FLOAT64, false);
                    g.attach(step);
                    norms[j++] = p == 2 ? g.square().sum().sqrt().getDouble()
                            : p == 1 ? g.abs().sum().getDouble() : g.abs().max().getDouble();
                }
                out[i] = norms;
            }
        }
        return out;
    }

    /** What {@link #forward} computed per example. */
    public record ForwardOutputs(TokenPredictions predictions, Map<Integer, double[][]> features) {}

    /**
     * One batched forward pass over the ground-truth answers of rows, collecting (a) arg-max
     * predictions and labels at the §1.4 positions (answer tokens, EOS position dropped) for EM/ES and
     * (b) per layer the mean over answer-text positions (labels ≠ −100, real tokens, id ≠ EOS; spec
     * §5.3) of the hidden states. Layer {@code l} is index {@code l} of HF {@code output_hidden_states}:
     * 0 is the embedding output, the last (= number of decoder layers) is after the final norm.
     *
     * @param rows rows; keys are row indices
     * @param withFeatures whether to collect hidden states
     */
    public ForwardOutputs forward(List<QaRecord> rows, boolean withFeatures) {
        List<TokenizedExample> ex = answers(rows);
        Map<String, int[]> preds = new LinkedHashMap<>();
        Map<String, int[]> labels = new LinkedHashMap<>();
        Map<Integer, double[][]> features = new TreeMap<>();
        long eos = tokenizer.eosId();
        long pad = tokenizer.padId();
        for (int from = 0; from < ex.size(); from += batchSize) {
            List<TokenizedExample> chunk = ex.subList(from, Math.min(ex.size(), from + batchSize));
            Batch batch = new Batch(chunk, pad);
            int b = chunk.size();
            int w = batch.width();
            try (NDManager step = model.manager().newSubManager()) {
                LmOutput o = model.forward(batch.inputIds(step), batch.attentionMask(step), withFeatures);
                long[] arg = o.logits().argMax(-1).toType(DataType.INT64, false).toLongArray();
                float[] weights = new float[b * w];
                for (int i = 0; i < b; i++) {
                    TokenizedExample e = chunk.get(i);
                    int n = Math.max(0, e.length() - e.promptLength() - 1);
                    int[] p = new int[n];
                    int[] l = new int[n];
                    for (int j = 0; j < n; j++) {
                        int t = e.promptLength() + j;
                        p[j] = (int) arg[i * w + t - 1];
                        l[j] = (int) e.inputIds()[t];
                    }
                    preds.put(e.id(), p);
                    labels.put(e.id(), l);
                    int count = 0;
                    for (int t = e.promptLength(); t < e.length(); t++) {
                        if (e.inputIds()[t] != eos) {
                            count++;
                        }
                    }
                    if (withFeatures && count == 0) {
                        throw new InvalidInputException("sample " + e.id() + " has no answer-text token to pool hidden states over (spec §5.3)");
                    }
                    for (int t = e.promptLength(); t < e.length(); t++) {
                        if (e.inputIds()[t] != eos) {
                            weights[i * w + t] = 1.0f / count;
                        }
                    }
                }
                if (withFeatures) {
                    NDArray wt = step.create(weights, new Shape(b, w, 1));
                    List<NDArray> hs = o.hiddenStates();
                    for (int layer = 0; layer < hs.size(); layer++) {
                        NDArray pooled = hs.get(layer).toType(DataType.FLOAT32, false).mul(wt).sum(new int[] {1});
                        int d = (int) pooled.getShape().get(1);
                        float[] flat = pooled.toFloatArray();
                        double[][] m = features.computeIfAbsent(layer, x -> new double[ex.size()][]);
                        for (int i = 0; i < b; i++) {
                            double[] row = new double[d];
                            for (int j = 0; j < d; j++) {
                                row[j] = flat[i * d + j];
                            }
                            m[from + i] = row;
                        }
                    }
                }
            }
        }
        return new ForwardOutputs(new TokenPredictions(preds, labels), features);
    }
}

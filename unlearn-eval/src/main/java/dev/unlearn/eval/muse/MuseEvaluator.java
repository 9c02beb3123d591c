package dev.unlearn.eval.muse;

import dev.unlearn.core.data.MuseCorpus;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TextRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.Generator;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.score.SampleScore;
import dev.unlearn.core.score.Scorer;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.eval.report.EvaluationReport;
import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the MUSE suite (spec §3) on a model over a {@link MuseCorpus}: computes the metric inputs
 * (greedy VerbMem continuations, few-shot KnowMem answers on forget and retain QA, PrivLeak token
 * log-probs of the model and of the retain model) and evaluates {@code muse_verbmem},
 * {@code muse_knowmem} and {@code muse_privleak} with MUSE-original semantics.
 *
 * <p>Headline values ({@link #summary}): {@code verbmem_f}, {@code knowmem_f}, {@code knowmem_r}
 * (MUSE's utility, also under {@code muse_utility}), {@code privleak} (relative to the retain model's
 * AUC when a retain model is given, else the published News constant) and {@code privleak_auc}; with a
 * retain model also {@code privleak_minkpp} (the same relative AUC gap with Min-K%++ scores instead of
 * MUSE's Min-40%).
 *
 * <p>VerbMem: prompt = {@code tokenizer(prompt)} with BOS; {@code verbmemTokens} greedy new tokens;
 * reference = the decoded first {@code verbmemTokens} ids of {@code tokenizer(gt)} (BOS included, as
 * MUSE). KnowMem: {@link KnowMem#prompt} over the ICL rows, {@code knowmemTokens} greedy new tokens.
 * With {@code trimPromptSpace}, a prompt whose last token decodes to whitespace alone loses that token
 * (word-level tokenizers such as the built-in one encode the trailing space of {@code "Answer: "} as a
 * token of its own, which the model never sees in running text); off by default (MUSE original).
 */
public final class MuseEvaluator {
    private final TextTokenizer tokenizer;
    private final int verbmemTokens;
    private final int knowmemTokens;
    private final boolean trimPromptSpace;
    private final int batchSize;

    public MuseEvaluator(TextTokenizer tokenizer, int verbmemTokens, int knowmemTokens, boolean trimPromptSpace, int batchSize) {
        this.tokenizer = tokenizer;
        this.verbmemTokens = verbmemTokens;
        this.knowmemTokens = knowmemTokens;
        this.trimPromptSpace = trimPromptSpace;
        this.batchSize = batchSize;
    }

    /** What one evaluation produced: the metric results and the headline numbers. */
    public record Result(Map<String, MetricResult> results, Map<String, Double> summary) {
        /** A report of the results under {@code title}. */
        public EvaluationReport report(String title) {
            return EvaluationReport.builder(title).addResults(results).optMetadata("suite", "muse").build();
        }
    }

    /**
     * Evaluates {@code model}; {@code retain} (may be null) supplies the reference AUC of PrivLeak.
     *
     * @param model the model under test
     * @param retain the retain (retrained) model, or null
     * @param data the corpus
     */
    public Result evaluate(CausalLm model, CausalLm retain, MuseCorpus data) {
        EvaluationContext ctx = new EvaluationContext();
        Map<String, VerbMem.Continuation> cont = new LinkedHashMap<>();
        GenerationConfig vg = GenerationConfig.greedy(verbmemTokens);
        for (int i = 0; i < data.verbmem().size(); i++) {
            MuseCorpus.Prefix p = data.verbmem().get(i);
            long[] out = Generator.generate(model, prompt(p.prompt()), vg, List.of());
            long[] gt = tokenizer.encode(p.gt(), true);
            String ref = tokenizer.decode(Arrays.copyOf(gt, Math.min(gt.length, verbmemTokens)), true);
            cont.put(Integer.toString(i), new VerbMem.Continuation(ref, tokenizer.decode(out, true)));
        }
        ctx.put(MuseInputs.VERBMEM, new MuseInputs.Continuations(cont));
        ctx.put(MuseInputs.KNOWMEM_FORGET, answers(model, data.forgetQa(), data.forgetIcl()));
        ctx.put(MuseInputs.KNOWMEM_RETAIN, answers(model, data.retainQa(), data.retainIcl()));
        ctx.put(MuseInputs.PRIVLEAK_FORGET, logProbs(model, data.privleakForget()));
        ctx.put(MuseInputs.PRIVLEAK_HOLDOUT, logProbs(model, data.privleakHoldout()));
        if (retain != null) {
            ctx.put(MuseInputs.PRIVLEAK_RETRAINED_FORGET, logProbs(retain, data.privleakForget()));
            ctx.put(MuseInputs.PRIVLEAK_RETRAINED_HOLDOUT, logProbs(retain, data.privleakHoldout()));
        } else {
            ctx.put(MuseInputs.CORPUS, "news");
        }
        Map<String, MetricResult> r = Metrics.run(dev.unlearn.eval.spi.Suites.metrics(MuseMetrics.SUITE), ctx);
        Map<String, Double> s = summary(r);
        if (retain != null) {
            double u = PrivLeak.aucMuse(minKPlusPlus(model, data.privleakForget()), minKPlusPlus(model, data.privleakHoldout()));
            double ref = PrivLeak.aucMuse(minKPlusPlus(retain, data.privleakForget()), minKPlusPlus(retain, data.privleakHoldout()));
            s.put("privleak_minkpp_auc", u);
            s.put("privleak_minkpp", PrivLeak.museOriginal(u, ref));
        }
        return new Result(r, s);
    }

    /** The headline numbers of MUSE results: the muse suite's declared {@link dev.unlearn.eval.spi.Headline}s. */
    public static Map<String, Double> summary(Map<String, MetricResult> r) {
        Map<String, Double> s = new LinkedHashMap<>();
        for (dev.unlearn.eval.spi.Headline h : Metrics.headlines(List.of(MuseMetrics.SUITE))) {
            if (!r.containsKey(h.metric())) {
                throw new IllegalStateException("MUSE result of " + h.metric() + " is missing");
            }
            s.put(h.field(), r.get(h.metric()).scalar(h.scalar()));
        }
        return s;
    }

    private MuseInputs.Answers answers(CausalLm model, List<QaRecord> rows, List<QaRecord> iclRows) {
        List<KnowMem.QA> icl = new ArrayList<>();
        iclRows.forEach(q -> icl.add(new KnowMem.QA(q.question(), q.answer())));
        Map<String, KnowMem.QA> ref = new LinkedHashMap<>();
        Map<String, String> gen = new LinkedHashMap<>();
        GenerationConfig g = GenerationConfig.greedy(knowmemTokens);
        for (int i = 0; i < rows.size(); i++) {
            QaRecord q = rows.get(i);
            String key = Integer.toString(i);
            ref.put(key, new KnowMem.QA(q.question(), q.answer()));
            gen.put(key, tokenizer.decode(Generator.generate(model, prompt(KnowMem.prompt(icl, q.question())), g, List.of()), true));
        }
        return new MuseInputs.Answers(ref, gen);
    }

    /**
     * Min-K%++ scores (spec §4.5, k = 0.4) of each text: {@code z_t = (log p(x_t) − μ_t) / sqrt(max(σ²_t, 1e-6))}
     * over every token after BOS, score = {@code −mean} of the lowest {@code max(1, floor(0.4·n))} values;
     * the PrivLeak variant {@code privleak_minkpp} applies MUSE's AUC and relative gap to these scores.
     */
    private double[] minKPlusPlus(CausalLm model, List<TextRecord> texts) {
        List<TokenizedExample> ex = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            long[] ids = tokenizer.encode(texts.get(i).text(), true);
            if (ids.length >= 2) {
                ex.add(new TokenizedExample(Integer.toString(i), ids, 1));
            }
        }
        List<dev.unlearn.core.score.TokenVocabStats> stats = Scorer.vocabStats(model, ex, batchSize);
        double[] out = new double[stats.size()];
        for (int i = 0; i < out.length; i++) {
            dev.unlearn.core.score.TokenVocabStats v = stats.get(i);
            out[i] = minKPlusPlusScore(v.logProb(), v.mean(), v.std(), 0.4);
        }
        return out;
    }

    /** Min-K%++ score of one text from its per-token log-prob, vocabulary mean and standard deviation. */
    static double minKPlusPlusScore(double[] logProb, double[] mean, double[] std, double k) {
        double[] z = new double[logProb.length];
        for (int t = 0; t < z.length; t++) {
            z[t] = (logProb[t] - mean[t]) / Math.sqrt(Math.max(std[t] * std[t], 1e-6));
        }
        Arrays.sort(z);
        int n = Math.max(1, (int) Math.floor(z.length * k));
        double sum = 0;
        for (int t = 0; t < n; t++) {
            sum += z[t];
        }
        return -sum / n;
    }

    /** Token log-probs of every token after BOS of each text (MUSE original, no truncation). */
    private MuseInputs.TokenLogProbs logProbs(CausalLm model, List<TextRecord> texts) {
        List<TokenizedExample> ex = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            long[] ids = tokenizer.encode(texts.get(i).text(), true);
            if (ids.length >= 2) {
                ex.add(new TokenizedExample(Integer.toString(i), ids, 1));
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (SampleScore s : Scorer.score(model, ex, batchSize)) {
            out.put(s.id(), s.tokenLogProbs());
        }
        return new MuseInputs.TokenLogProbs(out);
    }

    long[] prompt(String text) {
        long[] ids = tokenizer.encode(text, true);
        if (trimPromptSpace && ids.length > 1 && tokenizer.decode(new long[] {ids[ids.length - 1]}, false).isBlank()) {
            return Arrays.copyOf(ids, ids.length - 1);
        }
        return ids;
    }
}

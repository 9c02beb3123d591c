package dev.unlearn.eval.leakage;

import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.Generator;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.score.SampleScore;
import dev.unlearn.core.score.Scorer;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.eval.rouge.Rouge;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;
import java.util.function.Function;

/**
 * What every attack needs: the forget items, the few-shot examples, the template and tokenizer, and
 * one scoring rule. The <em>answer probability</em> of an item under a prompt is
 * {@code exp(mean log p(answer token))} over the answer tokens (no EOS): the geometric-mean token
 * probability, in [0, 1]. A prompt text is tokenized with BOS; the answer is the tail of
 * {@code tokenizer(prompt + answerPrefix + answer)} after the prompt's tokens (the
 * {@link dev.unlearn.core.text.QaTokenization} split).
 *
 * @param tokenizer the tokenizer
 * @param template the QA template
 * @param items forget items
 * @param shots retain items for the few-shot prompt (may be empty)
 * @param config settings
 * @param memo per-model memo of values several attacks share (identity of the model, then a key)
 */
public record AnswerScoring(TextTokenizer tokenizer, PromptTemplate template, List<LeakageItem> items, List<LeakageItem> shots,
        LeakageConfig config, Map<CausalLm, Map<String, Double>> memo) {
    public AnswerScoring(TextTokenizer tokenizer, PromptTemplate template, List<LeakageItem> items, List<LeakageItem> shots,
            LeakageConfig config) {
        this(tokenizer, template, items, shots, config, new IdentityHashMap<>());
    }

    /** A value computed once per model (e.g. the full-precision ROUGE the quantisation attacks compare with). */
    public double memo(CausalLm model, String key, java.util.function.DoubleSupplier f) {
        Map<String, Double> m = memo.computeIfAbsent(model, x -> new HashMap<>());
        Double v = m.get(key);
        if (v == null) {
            v = f.getAsDouble();
            m.put(key, v);
        }
        return v;
    }

    static final int BATCH = 16;

    /** The tokenized prompt + answer, targets = answer tokens; null when no answer token remains. */
    public TokenizedExample example(String id, String promptText, String answer) {
        long[] full = tokenizer.encode(promptText + template.answerPrefix() + answer, true);
        int nq = tokenizer.encode(promptText, true).length;
        if (nq < 1 || nq >= full.length) {
            return null;
        }
        return new TokenizedExample(id, full, nq);
    }

    /** Answer probabilities of the items under prompts built by {@code prompt}; mean over scored items. */
    public double meanProbability(CausalLm model, Function<LeakageItem, String> prompt) {
        return mean(probabilities(model, items, prompt));
    }

    /** Per-item answer probabilities (NaN for an item without an answer token). */
    public double[] probabilities(CausalLm model, List<LeakageItem> list, Function<LeakageItem, String> prompt) {
        List<TokenizedExample> ex = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            TokenizedExample e = example(Integer.toString(i), prompt.apply(list.get(i)), list.get(i).answer());
            if (e != null) {
                ex.add(e);
                at.add(i);
            }
        }
        double[] out = new double[list.size()];
        Arrays.fill(out, Double.NaN);
        List<SampleScore> s = Scorer.score(model, ex, BATCH);
        for (int j = 0; j < s.size(); j++) {
            out[at.get(j)] = Math.exp(-s.get(j).meanNll());
        }
        return out;
    }

    /** Mean log-probability per answer token of each (prompt, answer) pair, for multiple choice. */
    public double[] meanLogProbs(CausalLm model, List<String[]> promptAnswer) {
        List<TokenizedExample> ex = new ArrayList<>();
        for (int i = 0; i < promptAnswer.size(); i++) {
            TokenizedExample e = example(Integer.toString(i), promptAnswer.get(i)[0], promptAnswer.get(i)[1]);
            ex.add(e);
        }
        double[] out = new double[promptAnswer.size()];
        Arrays.fill(out, Double.NEGATIVE_INFINITY);
        List<TokenizedExample> ok = ex.stream().filter(e -> e != null).toList();
        List<SampleScore> s = Scorer.score(model, ok, BATCH);
        for (SampleScore sc : s) {
            out[Integer.parseInt(sc.id())] = -sc.meanNll();
        }
        return out;
    }

    /** The plain template prompt of an item. */
    public String direct(LeakageItem it) {
        return template.prompt(it.question());
    }

    /**
     * Mean ROUGE-L recall (stemmed, TOFU semantics) of greedy answers against the true answers;
     * generation stops at EOS, at the first newline token or after {@code min(max_new_tokens, answer
     * tokens + 4)} tokens (recall against the answer gains nothing from a longer output), and the output
     * is cut at the first newline (raw-text models continue with the next paragraph instead of emitting EOS).
     */
    public double rougeRecall(CausalLm model) {
        Rouge r = new Rouge(true);
        java.util.Set<Long> stop = new java.util.HashSet<>();
        stop.add(tokenizer.eosId());
        long[] newline = tokenizer.encode("\n", false);
        if (newline.length > 0) {
            stop.add(newline[newline.length - 1]);
        }
        double sum = 0;
        for (LeakageItem it : items) {
            long[] p = tokenizer.encode(direct(it), true);
            TokenizedExample e = example(it.id(), direct(it), it.answer());
            int budget = Math.min(config.maxNewTokens(), (e == null ? 0 : e.targetCount()) + 4);
            GenerationConfig g = GenerationConfig.greedy(Math.max(1, budget)).withStopTokens(stop);
            String out = tokenizer.decode(Generator.generate(model, p, g, List.of()), true);
            int nl = out.indexOf('\n', out.isBlank() ? 0 : firstNonBlank(out));
            String cut = nl >= 0 ? out.substring(0, nl) : out;
            sum += r.rougeL(it.answer(), cut.strip()).recall();
        }
        return items.isEmpty() ? Double.NaN : sum / items.size();
    }

    private static int firstNonBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Mean of the finite values; NaN when none. */
    public static double mean(double[] v) {
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (Double.isFinite(x)) {
                s += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}

package dev.unlearn.eval.leakage;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the leakage attacks on a model and on the retain model, over the same forget items.
 *
 * <pre>{@code
 * LeakageReport r = new LeakageSuite(tok, PromptTemplate.PLAIN, LeakageConfig.defaults())
 *         .run(model, retain, LeakageItem.of(forgetRows), LeakageItem.of(retainRows), null);
 * double leak = r.leak();
 * }</pre>
 *
 * <p>Attacks, in order: {@code direct} (no attack), {@code relearn}, {@code int8}, {@code int4},
 * {@code paraphrase}, {@code multiple_choice}, {@code few_shot}, {@code logit_lens}, {@code prefix}.
 * The retain model's scores can be cached across calls under a caller-chosen key (a pipeline
 * evaluates many models against one retain model).
 */
public final class LeakageSuite {
    private static final Map<String, List<LeakageAttack.Score>> RETAIN_CACHE = new ConcurrentHashMap<>();

    private final TextTokenizer tokenizer;
    private final PromptTemplate template;
    private final LeakageConfig config;
    private final List<LeakageAttack> attacks;

    public LeakageSuite(TextTokenizer tokenizer, PromptTemplate template, LeakageConfig config) {
        this.tokenizer = tokenizer;
        this.template = template;
        this.config = config;
        this.attacks = List.of(new DirectProbe(), new RelearningAttack(), new QuantisationAttack(8), new QuantisationAttack(4),
                new ParaphraseAttack(), new MultipleChoiceAttack(), new FewShotAttack(), new LogitLensAttack(),
                new PrefixAttack(LeakageConfig.PREFIXES));
    }

    /** The attacks, in run order. */
    public List<LeakageAttack> attacks() {
        return attacks;
    }

    /**
     * Runs every attack.
     *
     * @param model the model under test
     * @param retain the retain model (required: an attack can also teach what was never known)
     * @param forget forget items
     * @param shots retain items for the few-shot prompt
     * @param retainCacheKey key under which the retain model's scores are cached, or null for no cache
     */
    public LeakageReport run(CausalLm model, CausalLm retain, List<LeakageItem> forget, List<LeakageItem> shots,
            String retainCacheKey) {
        if (retain == null) {
            throw new InvalidInputException("the leakage suite needs the retain model: each attack is run on it too");
        }
        if (forget.size() < 2) {
            throw new InvalidInputException("the leakage suite needs at least 2 forget questions, found " + forget.size());
        }
        long t0 = System.nanoTime();
        AnswerScoring s = new AnswerScoring(tokenizer, template, forget, shots, config);
        List<LeakageAttack.Score> mine = scores(model, s);
        List<LeakageAttack.Score> ref = retainCacheKey == null ? scores(retain, s)
                : RETAIN_CACHE.computeIfAbsent(retainCacheKey + "|" + config + "|" + forget.hashCode(), k -> scores(retain, s));
        List<LeakageReport.Row> rows = new ArrayList<>();
        for (int i = 0; i < attacks.size(); i++) {
            LeakageAttack a = attacks.get(i);
            rows.add(new LeakageReport.Row(a.name(), a.description(), mine.get(i).value(), ref.get(i).value(),
                    mine.get(i).details(), ref.get(i).details()));
        }
        return LeakageReport.of(rows, (System.nanoTime() - t0) / 1e9);
    }

    private List<LeakageAttack.Score> scores(CausalLm m, AnswerScoring s) {
        List<LeakageAttack.Score> out = new ArrayList<>();
        for (LeakageAttack a : attacks) {
            long t0 = System.nanoTime();
            LeakageAttack.Score sc = a.run(m, s);
            java.util.Map<String, Double> d = new java.util.LinkedHashMap<>(sc.details());
            d.put("seconds", (System.nanoTime() - t0) / 1e9);
            out.add(new LeakageAttack.Score(sc.value(), d));
        }
        return out;
    }
}

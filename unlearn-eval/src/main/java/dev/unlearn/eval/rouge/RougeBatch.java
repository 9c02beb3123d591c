package dev.unlearn.eval.rouge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a batch of (prediction, reference) pairs with the four ROUGE values that open-unlearning's
 * {@code eval_rouge_recall_batch} returns: {@code rougeL_recall}, {@code rouge1_recall},
 * {@code rougeL_precision}, {@code rougeL_f1}.
 *
 * <p>Reference matched: OU {@code src/evals/metrics/utils.py} (stemming hard-coded on), TOFU
 * {@code eval_rouge_recall}; spec §1.6. The target of each ROUGE call is the reference.
 */
public final class RougeBatch {
    /** Output keys, in this order. */
    public static final List<String> KEYS = List.of("rougeL_recall", "rouge1_recall", "rougeL_precision", "rougeL_f1");

    /** One pair to score. */
    public record Pair(String prediction, String reference) {}

    private RougeBatch() {}

    /**
     * Scores every pair.
     *
     * @param pairs predictions with their references
     * @param stem stemming on (TOFU/OU) or off (MUSE original)
     * @return one ordered map per pair with the keys of {@link #KEYS}
     */
    public static List<Map<String, Double>> score(List<Pair> pairs, boolean stem) {
        List<Map<String, Double>> out = new ArrayList<>(pairs.size());
        for (Pair pair : pairs) {
            List<String> t = RougeTokenizer.tokenize(pair.reference(), stem);
            List<String> p = RougeTokenizer.tokenize(pair.prediction(), stem);
            RougeScore l = Rouge.rougeL(t, p);
            RougeScore one = Rouge.rouge1(t, p);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("rougeL_recall", l.recall());
            m.put("rouge1_recall", one.recall());
            m.put("rougeL_precision", l.precision());
            m.put("rougeL_f1", l.f1());
            out.add(m);
        }
        return out;
    }
}

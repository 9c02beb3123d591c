package dev.unlearn.eval.rouge;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ROUGE-L and ROUGE-1 exactly as {@code rouge_score.RougeScorer.score(target, prediction)} computes
 * them.
 *
 * <p>Reference matched: {@code google-research/rouge} ({@code rouge_score} 0.1.2), spec §1.6.
 * ROUGE-L: {@code lcs} = longest common subsequence over exact token equality,
 * {@code P = lcs/|P|}, {@code R = lcs/|T|}, all zero when either side is empty. ROUGE-1:
 * {@code overlap = Σ_g min(countT(g), countP(g))}, {@code R = overlap/max(|T|,1)},
 * {@code P = overlap/max(|P|,1)}. Argument order is always target first, as in the reference.
 */
public final class Rouge {
    private final boolean stem;

    /**
     * Creates a scorer.
     *
     * @param stem Porter stemming on (TOFU, open-unlearning) or off (MUSE original)
     */
    public Rouge(boolean stem) {
        this.stem = stem;
    }

    /** Whether this scorer stems tokens. */
    public boolean stemming() {
        return stem;
    }

    /** ROUGE-L of a prediction against a target (ground truth). */
    public RougeScore rougeL(String target, String prediction) {
        return rougeL(RougeTokenizer.tokenize(target, stem), RougeTokenizer.tokenize(prediction, stem));
    }

    /** ROUGE-1 of a prediction against a target (ground truth). */
    public RougeScore rouge1(String target, String prediction) {
        return rouge1(RougeTokenizer.tokenize(target, stem), RougeTokenizer.tokenize(prediction, stem));
    }

    /** ROUGE-L on already tokenized text. */
    public static RougeScore rougeL(List<String> t, List<String> p) {
        if (t.isEmpty() || p.isEmpty()) {
            return RougeScore.ZERO;
        }
        int lcs = lcs(t, p);
        return RougeScore.of((double) lcs / p.size(), (double) lcs / t.size());
    }

    /** ROUGE-1 on already tokenized text. */
    public static RougeScore rouge1(List<String> t, List<String> p) {
        Map<String, Integer> countT = counts(t);
        Map<String, Integer> countP = counts(p);
        int overlap = 0;
        for (Map.Entry<String, Integer> e : countT.entrySet()) {
            overlap += Math.min(e.getValue(), countP.getOrDefault(e.getKey(), 0));
        }
        return RougeScore.of((double) overlap / Math.max(p.size(), 1), (double) overlap / Math.max(t.size(), 1));
    }

    private static Map<String, Integer> counts(List<String> tokens) {
        Map<String, Integer> c = new HashMap<>();
        for (String s : tokens) {
            c.merge(s, 1, Integer::sum);
        }
        return c;
    }

    static int lcs(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = a.get(i - 1).equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] tmp = prev;
            prev = cur;
            cur = tmp;
        }
        return prev[b.size()];
    }
}

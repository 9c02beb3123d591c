package dev.unlearn.eval.muse;

import dev.unlearn.eval.rouge.Rouge;
import dev.unlearn.eval.stats.NumpySum;
import java.util.List;

/**
 * MUSE KnowMem: ROUGE-L F1 of few-shot answers against reference answers, on {@code forget_qa}
 * ({@code knowmem_f}, lower is better) and {@code retain_qa} ({@code knowmem_r}, utility).
 *
 * <p>Reference matched: {@code swj0419/muse_bench metrics/knowmem.py} and OU's Llama-2 template;
 * spec §3.3. Prompt: {@code "Question: " + q_i + "\nAnswer: " + a_i + "\n\n"} over the ICL rows, then
 * {@code "Question: " + q + "\nAnswer: "}; greedy, 32 new tokens; the output is cut at the first
 * {@code "\n\n"}, {@code "\nQuestion"} or {@code "Question:"}. Scoring as {@link VerbMem.Variant}:
 * MUSE (no stemming, ×100, default) or OU (stemmed, fraction).
 */
public final class KnowMem {
    /** A question with its answer. */
    public record QA(String question, String answer) {}

    private static final String[] STOPS = {"\n\n", "\nQuestion", "Question:"};

    private KnowMem() {}

    /** The few-shot prompt for a question. */
    public static String prompt(List<QA> icl, String question) {
        StringBuilder sb = new StringBuilder();
        for (QA qa : icl) {
            sb.append("Question: ").append(qa.question()).append("\nAnswer: ").append(qa.answer()).append("\n\n");
        }
        return sb.append("Question: ").append(question).append("\nAnswer: ").toString();
    }

    /** Cuts a generated answer at the earliest stop string. */
    public static String cut(String generated) {
        int end = generated.length();
        for (String s : STOPS) {
            int i = generated.indexOf(s);
            if (i >= 0) {
                end = Math.min(end, i);
            }
        }
        return generated.substring(0, end);
    }

    /** Per-sample ROUGE-L F1 of cut outputs against answers (unscaled). */
    public static double[] perSample(List<QA> reference, List<String> generated, VerbMem.Variant v) {
        if (reference.size() != generated.size()) {
            throw new dev.unlearn.core.InvalidInputException("KnowMem: " + reference.size() + " questions but "
                    + generated.size() + " generated answers");
        }
        Rouge r = v.rouge();
        double[] out = new double[reference.size()];
        for (int i = 0; i < out.length; i++) {
            String g = cut(generated.get(i));
            out[i] = r.rougeL(reference.get(i).answer(), v == VerbMem.Variant.OU ? g.strip() : g).f1();
        }
        return out;
    }

    /** Reported value: mean F1 times the variant's scale. */
    public static double score(List<QA> reference, List<String> generated, VerbMem.Variant v) {
        return NumpySum.mean(perSample(reference, generated, v)) * v.scale();
    }
}

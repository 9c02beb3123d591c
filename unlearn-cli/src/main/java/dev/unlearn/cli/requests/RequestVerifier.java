package dev.unlearn.cli.requests;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.Generator;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.score.SampleScore;
import dev.unlearn.core.score.Scorer;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.eval.rouge.Rouge;
import dev.unlearn.eval.stats.RocAuc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures the figures a deletion request is verified on, for one model.
 *
 * <ul>
 *   <li>{@code forget_probability}: mean over the forget set of TOFU's length-normalised answer
 *       probability {@code exp(-NLL_mean)} (answer tokens plus EOS);</li>
 *   <li>{@code forget_rougeL_recall}: mean ROUGE-L recall (rouge_score tokenisation, Porter stemming)
 *       of greedy answers to the forget questions against the true answers;</li>
 *   <li>{@code mia_auc}: AUC of the LOSS attack (score = mean answer NLL) separating the forget
 *       records from held-out non-members; 0.5 means the forget set looks like data never trained on.
 *       The non-members are held-out records no model was trained on ({@code --holdout}, or the
 *       {@code holdoutXX} file beside the training data as TOFU ships it); without one, the forget
 *       questions paired with their first perturbed answer (plausible, never trained);</li>
 *   <li>{@code extraction_rate}: share of greedy answers to the forget questions and their
 *       paraphrases that contain one of the subject's distinctive facts ({@link SubjectFacts});</li>
 *   <li>{@code retain_probability}: mean answer probability on the retain sample; the utility check
 *       compares it before and after.</li>
 * </ul>
 */
public final class RequestVerifier {
    private final TextTokenizer tok;
    private final QaTokenization qt;
    private final List<QaRecord> forget;
    private final List<QaRecord> holdout;
    private final List<Set<String>> facts;
    private final int maxNewTokens;
    /** Tokenised once: a request measures before, after and, verified, between training steps. */
    private final List<TokenizedExample> forgetExamples;
    private final List<TokenizedExample> holdoutExamples;
    private final List<TokenizedExample> retainExamples;

    /** The figures of one model; {@link #asMap} names them as the audit log and the policies do. */
    public record Figures(@JsonProperty("forget_probability") double forgetProbability,
            @JsonProperty("forget_rougeL_recall") double forgetRouge,
            @JsonProperty("mia_auc") double miaAuc,
            @JsonProperty("extraction_rate") double extractionRate,
            @JsonProperty("retain_probability") double retainProbability,
            @JsonIgnore int generations) {
        private static final ObjectMapper JSON = new ObjectMapper();

        /** The figures by name, in the order above ({@code generations} is not a figure). */
        public Map<String, Double> asMap() {
            return JSON.convertValue(this, new TypeReference<LinkedHashMap<String, Double>>() {});
        }
    }

    /** One verification check: a figure, its threshold, the comparison and the verdict. */
    public record Check(String name, double value, double threshold, String rule, boolean pass) {}

    public RequestVerifier(TextTokenizer tok, QaTokenization qt, List<QaRecord> forget, List<QaRecord> retain,
            List<QaRecord> holdout, int maxNewTokens) {
        this.tok = tok;
        this.qt = qt;
        this.forget = forget;
        this.holdout = holdout != null ? holdout : perturbedHoldout(forget);
        this.facts = SubjectFacts.of(forget, retain);
        this.maxNewTokens = maxNewTokens;
        this.forgetExamples = tokenize(forget);
        this.holdoutExamples = tokenize(this.holdout);
        this.retainExamples = tokenize(retain);
    }

    /** Non-members made of the forget questions with their first perturbed answer. */
    static List<QaRecord> perturbedHoldout(List<QaRecord> forget) {
        List<QaRecord> out = new ArrayList<>();
        for (QaRecord r : forget) {
            if (r.perturbedAnswers() == null || r.perturbedAnswers().isEmpty()) {
                throw new InvalidInputException("forget record " + r.id() + " has no perturbed_answer, so no default"
                        + " non-member set can be built for the membership-inference check; pass --holdout FILE");
            }
            out.add(QaRecord.of(r.question(), r.perturbedAnswers().get(0)));
        }
        return out;
    }

    public List<QaRecord> holdout() {
        return holdout;
    }

    /** Measures every figure on {@code lm}. */
    public Figures measure(CausalLm lm) {
        List<SampleScore> f = Scorer.score(lm, forgetExamples, 16);
        List<SampleScore> h = Scorer.score(lm, holdoutExamples, 16);
        List<SampleScore> r = Scorer.score(lm, retainExamples, 16);
        double[] fLoss = f.stream().mapToDouble(SampleScore::meanNll).toArray();
        double[] hLoss = h.stream().mapToDouble(SampleScore::meanNll).toArray();
        // AUC that holdout losses exceed forget losses: 1.0 = forget set clearly remembered, 0.5 = indistinguishable.
        double auc = RocAuc.auc(fLoss, hLoss);
        Rouge rouge = new Rouge(true);
        double rougeSum = 0;
        int leaks = 0;
        int prompts = 0;
        for (int i = 0; i < forget.size(); i++) {
            QaRecord rec = forget.get(i);
            String answer = generate(lm, rec.question());
            rougeSum += rouge.rougeL(rec.answer(), answer).recall();
            if (!facts.get(i).isEmpty()) {
                prompts++;
                leaks += SubjectFacts.leaks(answer, facts.get(i)) ? 1 : 0;
                if (rec.paraphrasedQuestion() != null) {
                    prompts++;
                    leaks += SubjectFacts.leaks(generate(lm, rec.paraphrasedQuestion()), facts.get(i)) ? 1 : 0;
                }
            }
        }
        return new Figures(mean(f.stream().mapToDouble(s -> Math.exp(-s.meanNll())).toArray()), rougeSum / forget.size(),
                auc, prompts == 0 ? 0 : (double) leaks / prompts,
                mean(r.stream().mapToDouble(s -> Math.exp(-s.meanNll())).toArray()), prompts);
    }

    /** The acceptance checks of a request, comparing the unlearned model's figures (and the original's for utility). */
    public static List<Check> checks(Figures before, Figures after, DeletionRequest.Thresholds t) {
        List<Check> c = new ArrayList<>();
        c.add(new Check("forget_probability", after.forgetProbability(), t.maxForgetProbability(), "<=",
                after.forgetProbability() <= t.maxForgetProbability()));
        c.add(new Check("forget_rougeL_recall", after.forgetRouge(), t.maxForgetRouge(), "<=",
                after.forgetRouge() <= t.maxForgetRouge()));
        double dev = Math.abs(after.miaAuc() - 0.5);
        c.add(new Check("mia_auc_deviation", dev, t.miaAucBand(), "<= (|auc - 0.5|)", dev <= t.miaAucBand()));
        c.add(new Check("extraction_rate", after.extractionRate(), t.maxExtractionRate(), "<=",
                after.extractionRate() <= t.maxExtractionRate()));
        double drop = before.retainProbability() <= 0 ? 0
                : (before.retainProbability() - after.retainProbability()) / before.retainProbability();
        c.add(new Check("retain_utility_drop", drop, t.maxUtilityDrop(), "<= (relative drop of retain probability)",
                drop <= t.maxUtilityDrop()));
        return c;
    }

    private List<TokenizedExample> tokenize(List<QaRecord> rows) {
        List<TokenizedExample> ex = new ArrayList<>();
        for (QaRecord r : rows) {
            ex.add(qt.tokenize(r));
        }
        return List.copyOf(ex);
    }

    private String generate(CausalLm lm, String question) {
        long[] prompt = qt.encodePrompt(question);
        long[] out = Generator.generate(lm, prompt, GenerationConfig.greedy(maxNewTokens), List.of());
        return tok.decode(out, true).strip();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }
}

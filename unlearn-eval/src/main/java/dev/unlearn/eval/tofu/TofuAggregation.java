package dev.unlearn.eval.tofu;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.eval.stats.KolmogorovSmirnov;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TOFU aggregation step: the 14 leaderboard numbers from a model's eval logs and its retain
 * model's forget log.
 *
 * <p>Reference matched: {@code locuslab/tofu@bdc209e aggregate_eval_stat.py} ({@code get_model_utility},
 * {@code get_forget_quality}); spec §2.3–2.8. Per task: {@code ROUGE = mean rougeL_recall};
 * {@code Prob. = mean exp(−avg_gt_loss)} (Retain, Forget) or {@code mean p/(p+Σq)} (RA, WF);
 * {@code Truth Ratio} from {@code c = exp(mean pert − para)}: {@code mean min(c, 1/c)} (Forget) or
 * {@code mean max(0, 1 − 1/c)}. {@code Model Utility} = harmonic mean of the nine non-forget values;
 * {@code Forget Quality} = {@code ks_2samp(c_model, c_retain).pvalue} (exact, {@link KolmogorovSmirnov}).
 * Means use numpy's pairwise order ({@link dev.unlearn.eval.stats.NumpySum}).
 */
public final class TofuAggregation {
    /** Keys of the output, in order: the 12 task columns, then MU, FQ and the KS fields. */
    public static final List<String> KEYS;

    /** CSV columns of {@code aggregate_eval_stat.py}, in order. */
    public static final List<String> CSV_COLUMNS;

    private static final TofuTask[] SCRIPT_ORDER = {TofuTask.REAL_AUTHORS, TofuTask.REAL_WORLD, TofuTask.RETAIN, TofuTask.FORGET};

    static {
        List<String> k = new java.util.ArrayList<>();
        for (TofuTask t : SCRIPT_ORDER) {
            for (String m : List.of("ROUGE", "Prob.", "Truth Ratio")) {
                k.add(m + " " + t.displayName());
            }
        }
        List<String> csv = new java.util.ArrayList<>(k);
        csv.addAll(List.of("Model Utility", "Forget Quality", "Method", "Submitted By"));
        k.addAll(List.of("Model Utility", "Forget Quality", "KS Test Forget", "KS Test PVal Forget"));
        KEYS = List.copyOf(k);
        CSV_COLUMNS = List.copyOf(csv);
    }

    private TofuAggregation() {}

    /**
     * Aggregates from files; each path is an aggregated log file or a directory with the four files.
     *
     * @param ckptResult logs of the model under test
     * @param retainResult logs of the retain model (only its forget log is read)
     * @return the values under {@link #KEYS}, in that order
     */
    public static Map<String, Double> aggregate(Path ckptResult, Path retainResult) {
        return aggregate(TofuLogs.read(ckptResult), TofuLogs.read(retainResult), false);
    }

    /**
     * Aggregates parsed logs.
     *
     * @param model the four logs of the model under test
     * @param retain logs of the retain model, of which the forget log is required
     * @param strict fail when the forget logs differ in size (otherwise warn)
     */
    public static Map<String, Double> aggregate(Map<TofuTask, TofuTaskLog> model, Map<TofuTask, TofuTaskLog> retain, boolean strict) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (TofuTask t : SCRIPT_ORDER) {
            TaskValues v = taskValues(require(model, t, "model"));
            out.put("ROUGE " + t.displayName(), v.rouge());
            out.put("Prob. " + t.displayName(), v.probability());
            out.put("Truth Ratio " + t.displayName(), v.truthRatio());
        }
        double[] nine = new double[9];
        for (int i = 0; i < 9; i++) {
            nine[i] = out.get(TofuFormulas.MODEL_UTILITY_COMPONENTS[i]);
        }
        out.put("Model Utility", TofuFormulas.modelUtility(nine));
        KolmogorovSmirnov.Result fq = forgetQuality(require(model, TofuTask.FORGET, "model"), require(retain, TofuTask.FORGET, "retain model"), strict);
        out.put("Forget Quality", fq.pValue());
        out.put("KS Test Forget", fq.statistic());
        out.put("KS Test PVal Forget", fq.pValue());
        return out;
    }

    /** ROUGE, Prob. and Truth Ratio of one task log. */
    public record TaskValues(double rouge, double probability, double truthRatio) {}

    /** Computes the three values of one task as {@code get_model_utility} does. */
    public static TaskValues taskValues(TofuTaskLog log) {
        List<String> keys = log.keys();
        double[] gt = log.scalars("avg_gt_loss", keys);
        double[][] pert = log.arrays("average_perturb_loss", keys);
        double prob = log.task().multipleChoice() ? TofuFormulas.probabilityWithOptions(gt, pert) : TofuFormulas.probability(gt);
        double rouge = TofuFormulas.rouge(log.scalars("rougeL_recall", keys));
        double[] c = TofuFormulas.inverseTruthRatio(log.scalars("avg_paraphrased_loss", keys), pert);
        double tr = log.task() == TofuTask.FORGET ? TofuFormulas.truthRatioForget(c) : TofuFormulas.truthRatioRetain(c);
        return new TaskValues(rouge, prob, tr);
    }

    /** The KS test of {@code get_forget_quality} on two forget logs, after {@link ForgetSplitCheck}. */
    public static KolmogorovSmirnov.Result forgetQuality(TofuTaskLog model, TofuTaskLog retain, boolean strict) {
        ForgetSplitCheck.check(model, retain, strict);
        return KolmogorovSmirnov.test(inverseTruthRatios(model), inverseTruthRatios(retain));
    }

    private static double[] inverseTruthRatios(TofuTaskLog log) {
        List<String> keys = log.keys();
        return TofuFormulas.inverseTruthRatio(log.scalars("avg_paraphrased_loss", keys), log.arrays("average_perturb_loss", keys));
    }

    private static TofuTaskLog require(Map<TofuTask, TofuTaskLog> logs, TofuTask t, String whose) {
        TofuTaskLog l = logs.get(t);
        if (l == null) {
            throw new InvalidInputException("the " + whose + " logs lack " + t.fileName() + " (" + t.displayName()
                    + "); aggregation needs all four task logs of the model and the forget log of the retain model");
        }
        return l;
    }

    /**
     * The one-row CSV {@code aggregate_eval_stat.py} writes (header + row, {@code csv.DictWriter}
     * defaults, {@code \r\n} line ends, Python float {@code repr}).
     */
    public static String toCsv(Map<String, Double> aggregate, String method, String submittedBy) {
        StringBuilder header = new StringBuilder();
        StringBuilder row = new StringBuilder();
        for (String col : CSV_COLUMNS) {
            header.append(header.length() == 0 ? "" : ",").append(csvField(col));
            String v = switch (col) {
                case "Method" -> method;
                case "Submitted By" -> submittedBy;
                default -> PythonJson.floatRepr(aggregate.get(col));
            };
            row.append(row.length() == 0 ? "" : ",").append(csvField(v));
        }
        return header + "\r\n" + row + "\r\n";
    }

    private static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}

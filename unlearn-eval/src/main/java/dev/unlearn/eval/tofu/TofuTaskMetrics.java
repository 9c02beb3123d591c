package dev.unlearn.eval.tofu;

import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.spi.SampleSeries;
import dev.unlearn.eval.spi.Metric;
import dev.unlearn.eval.spi.MetricResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The per-task TOFU metrics {@code tofu_rouge}, {@code tofu_probability} and {@code tofu_truth_ratio}:
 * one scalar per task log present (at least one is required; names as in {@code aggregate_eval_stat.py},
 * e.g. {@code "ROUGE Forget"})
 * and the per-sample values behind it.
 *
 * <p>Formulas: {@link TofuAggregation#taskValues(TofuTaskLog)} (spec §2.3–2.5). Per-sample series:
 * {@code rougeL_recall/<task>}, {@code prob/<task>} ({@code exp(−L)} or the multiple-choice
 * normalisation for RA/WF), {@code truth_ratio/<task>} ({@code R = exp(para − mean pert)}).
 * {@code tofu_truth_ratio} also reports the open-unlearning aggregators for the forget task
 * ({@code forget_truth_ratio closer_to_1_better}, {@code prob_mean}).
 */
public abstract class TofuTaskMetrics implements Metric {
    /** The TOFU suite. */
    public static final String SUITE = "tofu";

    @Override
    public List<String> suites() {
        return List.of(SUITE);
    }

    /** The per-sample series {@code <prefix>/<task>} of every task, each following its task's rows. */
    static List<SampleSeries> perTask(String prefix) {
        List<SampleSeries> out = new java.util.ArrayList<>();
        for (TofuTask t : TofuTask.values()) {
            out.add(SampleSeries.of(prefix + "/" + slug(t), slug(t)));
        }
        return List.copyOf(out);
    }

    @Override
    public List<InputKey<?>> requiredInputs() {
        // At least one task log; each present task contributes its values.
        return List.of();
    }

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        MetricResult.Builder b = MetricResult.builder(name());
        int found = 0;
        for (TofuTask t : TofuTask.values()) {
            Optional<TofuTaskLog> log = context.find(TofuInputs.log(t));
            if (log.isPresent()) {
                add(t, log.get(), b);
                found++;
            }
        }
        if (found == 0) {
            throw new dev.unlearn.core.InvalidInputException(name() + " found no TOFU task log in the context; put at least one of "
                    + java.util.Arrays.stream(TofuTask.values()).map(t -> TofuInputs.log(t).name()).toList());
        }
        return b.build();
    }

    abstract void add(TofuTask task, TofuTaskLog log, MetricResult.Builder b);

    static Map<String, Double> series(List<String> keys, double[] values) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(keys.get(i), values[i]);
        }
        return m;
    }

    static String slug(TofuTask t) {
        return t.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code tofu_rouge}: mean ROUGE-L recall per task. */
    public static final class RougeMetric extends TofuTaskMetrics {
        /** Registry name. */
        public static final String NAME = "tofu_rouge";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<SampleSeries> perSample() {
            return perTask("rougeL_recall");
        }

        @Override
        public List<Headline> headlines() {
            return List.of(
                    Headline.column("forget_rougeL_recall", NAME, "ROUGE Forget", "f_rouge", 40, Headline.Direction.LOWER_IS_BETTER,
                            Headline.Format.DECIMAL),
                    Headline.column("retain_rougeL_recall", NAME, "ROUGE Retain", "r_rouge", 50, Headline.Direction.HIGHER_IS_BETTER,
                            Headline.Format.DECIMAL));
        }

        @Override
        void add(TofuTask t, TofuTaskLog log, MetricResult.Builder b) {
            List<String> keys = log.keys();
            double[] r = log.scalars("rougeL_recall", keys);
            b.scalar("ROUGE " + t.displayName(), TofuFormulas.rouge(r));
            b.series("rougeL_recall/" + slug(t), series(keys, r));
        }
    }

    /** {@code tofu_probability}: Prob. per task. */
    public static final class ProbabilityMetric extends TofuTaskMetrics {
        /** Registry name. */
        public static final String NAME = "tofu_probability";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<SampleSeries> perSample() {
            return perTask("prob");
        }

        @Override
        public List<Headline> headlines() {
            return List.of(Headline.field("forget_prob", NAME, "Prob. Forget", 80, Headline.Direction.LOWER_IS_BETTER),
                    Headline.field("retain_prob", NAME, "Prob. Retain", 90, Headline.Direction.HIGHER_IS_BETTER));
        }

        @Override
        void add(TofuTask t, TofuTaskLog log, MetricResult.Builder b) {
            List<String> keys = log.keys();
            double[] gt = log.scalars("avg_gt_loss", keys);
            double[] per;
            if (t.multipleChoice()) {
                per = TofuFormulas.probabilityWithOptionsPerSample(gt, log.arrays("average_perturb_loss", keys), 0);
            } else {
                per = new double[gt.length];
                for (int i = 0; i < gt.length; i++) {
                    per[i] = Math.exp(-gt[i]);
                }
            }
            b.scalar("Prob. " + t.displayName(), TofuAggregation.taskValues(log).probability());
            b.series("prob/" + slug(t), series(keys, per));
        }
    }

    /** {@code tofu_truth_ratio}: Truth Ratio per task, forget and retain forms. */
    public static final class TruthRatioMetric extends TofuTaskMetrics {
        /** Registry name. */
        public static final String NAME = "tofu_truth_ratio";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<SampleSeries> perSample() {
            return perTask("truth_ratio");
        }

        @Override
        public List<Headline> headlines() {
            return List.of(Headline.column("forget_truth_ratio", NAME, "Truth Ratio Forget", "truth_r", 30,
                    Headline.Direction.CLOSER_TO_RETAIN, Headline.Format.DECIMAL));
        }

        @Override
        void add(TofuTask t, TofuTaskLog log, MetricResult.Builder b) {
            List<String> keys = log.keys();
            double[] para = log.scalars("avg_paraphrased_loss", keys);
            double[][] pert = log.arrays("average_perturb_loss", keys);
            b.scalar("Truth Ratio " + t.displayName(), TofuAggregation.taskValues(log).truthRatio());
            b.series("truth_ratio/" + slug(t), series(keys, TofuFormulas.truthRatio(para, pert)));
            if (t == TofuTask.FORGET) {
                b.scalar("forget_truth_ratio (OU closer_to_1_better)", TofuFormulas.closerToOneBetter(TofuFormulas.truthRatioOu(para, pert)));
                b.scalar("forget_truth_ratio (OU prob_mean)", TofuFormulas.probMean(para, pert));
            }
        }
    }
}

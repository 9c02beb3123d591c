package dev.unlearn.eval.tofu;

import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.spi.SampleSeries;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.SuiteMetric;
import dev.unlearn.eval.stats.KolmogorovSmirnov;
import java.util.List;
import java.util.Map;

/**
 * {@code tofu_forget_quality}: exact two-sample KS p-value between the per-sample forget truth ratios
 * of the model (from {@code tofu_truth_ratio}'s series {@code truth_ratio/forget}) and of the retain
 * model (from its forget log).
 *
 * <p>Reference matched: {@code aggregate_eval_stat.py get_forget_quality} and OU
 * {@code forget_quality}; spec §2.6. The reference tests {@code c = 1/R}, OU tests {@code R}; since
 * {@code x ↦ 1/x} is strictly decreasing both give the same D and p. The split check of §2.1 runs
 * first ({@link ForgetSplitCheck}; input {@link TofuInputs#STRICT} turns size mismatches into errors).
 */
public final class ForgetQualityMetric extends SuiteMetric {
    /** Registry name. */
    public static final String NAME = "tofu_forget_quality";
    /** Its summary field. */
    public static final String FIELD = "forget_quality";

    /** The model's forget log and the retain model's. */
    public ForgetQualityMetric() {
        super(NAME, TofuTaskMetrics.SUITE, TofuInputs.log(TofuTask.FORGET), TofuInputs.RETAIN_MODEL_FORGET_LOG);
    }

    @Override
    public List<String> dependencies() {
        return List.of(TofuTaskMetrics.TruthRatioMetric.NAME);
    }

    @Override
    public List<SampleSeries> perSample() {
        return List.of(SampleSeries.of("retain_model_truth_ratio/forget", SampleSeries.FORGET));
    }

    @Override
    public List<Headline> headlines() {
        return List.of(Headline.column(FIELD, NAME, "Forget Quality", "forget_q", 10, Headline.Direction.HIGHER_IS_BETTER,
                Headline.Format.P_VALUE));
    }

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        TofuTaskLog model = context.require(TofuInputs.log(TofuTask.FORGET));
        TofuTaskLog retain = context.require(TofuInputs.RETAIN_MODEL_FORGET_LOG);
        boolean strict = context.find(TofuInputs.STRICT).orElse(false);
        ForgetSplitCheck.check(model, retain, strict);
        Map<String, Double> modelR = context.result(TofuTaskMetrics.TruthRatioMetric.NAME).series("truth_ratio/forget");
        List<String> rk = retain.keys();
        double[] retainR = TofuFormulas.truthRatio(retain.scalars("avg_paraphrased_loss", rk), retain.arrays("average_perturb_loss", rk));
        double[] x = modelR.values().stream().mapToDouble(Double::doubleValue).toArray();
        KolmogorovSmirnov.Result r = KolmogorovSmirnov.test(x, retainR);
        return MetricResult.builder(name())
                .scalar("Forget Quality", r.pValue())
                .scalar("KS Test Forget", r.statistic())
                .scalar("KS Test PVal Forget", r.pValue())
                .series("retain_model_truth_ratio/forget", TofuTaskMetrics.series(rk, retainR))
                .build();
    }
}

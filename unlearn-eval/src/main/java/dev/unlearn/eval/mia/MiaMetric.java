package dev.unlearn.eval.mia;

import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.spi.SampleSeries;
import dev.unlearn.eval.spi.Metric;
import dev.unlearn.eval.spi.MetricResult;
import java.util.List;

/**
 * The MIA metrics {@code mia_loss}, {@code mia_zlib}, {@code mia_min_k}, {@code mia_min_k_plus_plus},
 * {@code mia_gradnorm} and {@code mia_reference} (spec §4). Scalars {@code auc} (also OU's
 * {@code agg_value}), {@code forget_mean}, {@code holdout_mean}; per-sample series {@code forget} and
 * {@code holdout}. ROC points are recomputed from the series by the report.
 */
public abstract class MiaMetric implements Metric {
    /** The MIA suite. */
    public static final String SUITE = "mia";

    abstract MiaAttack attack(EvaluationContext context);

    @Override
    public List<String> suites() {
        return List.of(SUITE);
    }

    @Override
    public List<SampleSeries> perSample() {
        return List.of(SampleSeries.of("forget", SampleSeries.FORGET), SampleSeries.of("holdout", SampleSeries.HOLDOUT));
    }

    @Override
    public List<InputKey<?>> requiredInputs() {
        return List.of(MiaInputs.FORGET, MiaInputs.HOLDOUT);
    }

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        MiaEvaluation.Result r = MiaEvaluation.run(attack(context), context.require(MiaInputs.FORGET).samples(),
                context.require(MiaInputs.HOLDOUT).samples());
        return MetricResult.builder(name())
                .scalar("auc", r.auc())
                .scalar("forget_mean", r.forgetMean())
                .scalar("holdout_mean", r.holdoutMean())
                .series("forget", r.forgetScores())
                .series("holdout", r.holdoutScores())
                .build();
    }

    static double k(EvaluationContext c) {
        return c.find(MiaInputs.K).orElse(MiaInputs.DEFAULT_K);
    }

    /** {@code mia_loss}. */
    public static final class Loss extends MiaMetric {
        /** Registry name. */
        public static final String NAME = "mia_loss";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<Headline> headlines() {
            return List.of(Headline.column("mia_auc_loss", NAME, "auc", "mia_auc", 60, Headline.Direction.CLOSER_TO_RETAIN,
                    Headline.Format.DECIMAL));
        }

        @Override
        MiaAttack attack(EvaluationContext c) {
            return MiaAttack.LOSS;
        }
    }

    /** {@code mia_zlib}. */
    public static final class ZLib extends MiaMetric {
        @Override
        public String name() {
            return "mia_zlib";
        }

        @Override
        MiaAttack attack(EvaluationContext c) {
            return MiaAttack.ZLIB;
        }
    }

    /** {@code mia_min_k}. */
    public static final class MinK extends MiaMetric {
        @Override
        public String name() {
            return "mia_min_k";
        }

        @Override
        MiaAttack attack(EvaluationContext c) {
            return MiaAttack.minK(k(c));
        }
    }

    /** {@code mia_min_k_plus_plus}. */
    public static final class MinKPlusPlus extends MiaMetric {
        @Override
        public String name() {
            return "mia_min_k_plus_plus";
        }

        @Override
        MiaAttack attack(EvaluationContext c) {
            return MiaAttack.minKPlusPlus(k(c));
        }
    }

    /** {@code mia_gradnorm}. */
    public static final class GradNormAttack extends MiaMetric {
        @Override
        public String name() {
            return "mia_gradnorm";
        }

        @Override
        public List<InputKey<?>> requiredInputs() {
            return List.of(MiaInputs.FORGET, MiaInputs.HOLDOUT, MiaInputs.GRADIENT_NORMS);
        }

        @Override
        MiaAttack attack(EvaluationContext c) {
            return MiaAttack.GRADNORM;
        }
    }

    /** {@code mia_reference}. */
    public static final class Reference extends MiaMetric {
        @Override
        public String name() {
            return "mia_reference";
        }

        @Override
        public List<InputKey<?>> requiredInputs() {
            return List.of(MiaInputs.FORGET, MiaInputs.HOLDOUT, MiaInputs.REFERENCE_LOSSES);
        }

        @Override
        MiaAttack attack(EvaluationContext c) {
            return MiaAttack.REFERENCE;
        }
    }
}

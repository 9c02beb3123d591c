package dev.unlearn.eval.mia;

import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.spi.SampleSeries;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.SuiteMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The MIA metrics {@code mia_loss}, {@code mia_zlib}, {@code mia_min_k}, {@code mia_min_k_plus_plus},
 * {@code mia_gradnorm} and {@code mia_reference} (spec §4). Scalars {@code auc} (also OU's
 * {@code agg_value}), {@code forget_mean}, {@code holdout_mean}; per-sample series {@code forget} and
 * {@code holdout}. ROC points are recomputed from the series by the report.
 */
public abstract class MiaMetric extends SuiteMetric {
    /** The MIA suite. */
    public static final String SUITE = "mia";

    private final Function<EvaluationContext, MiaAttack> attack;

    /** A metric {@code name} running {@code attack} on forget and holdout, which also needs {@code extraInput} if given. */
    MiaMetric(String name, Function<EvaluationContext, MiaAttack> attack, InputKey<?>... extraInput) {
        super(name, SUITE, inputs(extraInput));
        this.attack = attack;
    }

    private static List<InputKey<?>> inputs(InputKey<?>... extra) {
        List<InputKey<?>> in = new ArrayList<>(List.of(MiaInputs.FORGET, MiaInputs.HOLDOUT));
        in.addAll(List.of(extra));
        return in;
    }

    @Override
    public List<SampleSeries> perSample() {
        return List.of(SampleSeries.of("forget", SampleSeries.FORGET), SampleSeries.of("holdout", SampleSeries.HOLDOUT));
    }

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        MiaEvaluation.Result r = MiaEvaluation.run(attack.apply(context), context.require(MiaInputs.FORGET).samples(),
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

        /** The LOSS attack. */
        public Loss() {
            super(NAME, c -> MiaAttack.LOSS);
        }

        @Override
        public List<Headline> headlines() {
            return List.of(Headline.column("mia_auc_loss", NAME, "auc", "mia_auc", 60, Headline.Direction.CLOSER_TO_RETAIN,
                    Headline.Format.DECIMAL));
        }
    }

    /** {@code mia_zlib}. */
    public static final class ZLib extends MiaMetric {
        /** The ZLib attack. */
        public ZLib() {
            super("mia_zlib", c -> MiaAttack.ZLIB);
        }
    }

    /** {@code mia_min_k}. */
    public static final class MinK extends MiaMetric {
        /** Min-K% with the context's {@code k}. */
        public MinK() {
            super("mia_min_k", c -> MiaAttack.minK(k(c)));
        }
    }

    /** {@code mia_min_k_plus_plus}. */
    public static final class MinKPlusPlus extends MiaMetric {
        /** Min-K%++ with the context's {@code k}. */
        public MinKPlusPlus() {
            super("mia_min_k_plus_plus", c -> MiaAttack.minKPlusPlus(k(c)));
        }
    }

    /** {@code mia_gradnorm}. */
    public static final class GradNormAttack extends MiaMetric {
        /** The GradNorm attack; needs gradient norms. */
        public GradNormAttack() {
            super("mia_gradnorm", c -> MiaAttack.GRADNORM, MiaInputs.GRADIENT_NORMS);
        }
    }

    /** {@code mia_reference}. */
    public static final class Reference extends MiaMetric {
        /** The reference attack; needs the reference model's losses. */
        public Reference() {
            super("mia_reference", c -> MiaAttack.REFERENCE, MiaInputs.REFERENCE_LOSSES);
        }
    }
}

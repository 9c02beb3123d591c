package dev.unlearn.eval.muse;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.InputKey;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.SuiteMetric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The MUSE metrics {@code muse_verbmem}, {@code muse_knowmem} and {@code muse_privleak} (spec §3).
 * Input {@link MuseInputs#OU_COMPAT} switches all three from MUSE-original to open-unlearning semantics.
 */
public final class MuseMetrics {
    /** The MUSE suite. */
    public static final String SUITE = "muse";

    private MuseMetrics() {}

    static VerbMem.Variant variant(EvaluationContext c) {
        return c.find(MuseInputs.OU_COMPAT).orElse(false) ? VerbMem.Variant.OU : VerbMem.Variant.MUSE;
    }

    static Map<String, Double> series(List<String> keys, double[] v) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < v.length; i++) {
            m.put(keys.get(i), v[i]);
        }
        return m;
    }

    /** A headline column named, read and labelled by {@code metric}'s scalar {@code scalar}, as a decimal. */
    static Headline column(String metric, String scalar, int order, Headline.Direction direction) {
        return Headline.column(scalar, metric, scalar, scalar, order, direction, Headline.Format.DECIMAL);
    }

    /** {@code muse_verbmem}: scalar {@code verbmem_f}; series {@code rougeL_f1}. */
    public static final class VerbMemMetric extends SuiteMetric {
        /** Verbatim memorization on the forget continuations. */
        public VerbMemMetric() {
            super("muse_verbmem", SUITE, MuseInputs.VERBMEM);
        }

        @Override
        public List<Headline> headlines() {
            return List.of(column(name(), "verbmem_f", 210, Headline.Direction.LOWER_IS_BETTER));
        }

        @Override
        public MetricResult evaluate(EvaluationContext c) {
            Map<String, VerbMem.Continuation> items = c.require(MuseInputs.VERBMEM).items();
            VerbMem.Variant v = variant(c);
            List<String> keys = new ArrayList<>(items.keySet());
            double[] per = VerbMem.perSample(new ArrayList<>(items.values()), v);
            return MetricResult.builder(name())
                    .scalar("verbmem_f", dev.unlearn.eval.stats.NumpySum.mean(per) * v.scale())
                    .series("rougeL_f1", series(keys, per)).build();
        }
    }

    /** {@code muse_knowmem}: scalars {@code knowmem_f} and {@code knowmem_r}; series per split. */
    public static final class KnowMemMetric extends SuiteMetric {
        /** Knowledge memorization on the forget and retain QA. */
        public KnowMemMetric() {
            super("muse_knowmem", SUITE, MuseInputs.KNOWMEM_FORGET, MuseInputs.KNOWMEM_RETAIN);
        }

        @Override
        public List<Headline> headlines() {
            return List.of(
                    column(name(), "knowmem_f", 220, Headline.Direction.LOWER_IS_BETTER),
                    column(name(), "knowmem_r", 240, Headline.Direction.HIGHER_IS_BETTER),
                    Headline.field("muse_utility", name(), "knowmem_r", 250, Headline.Direction.HIGHER_IS_BETTER));
        }

        @Override
        public MetricResult evaluate(EvaluationContext c) {
            VerbMem.Variant v = variant(c);
            MetricResult.Builder b = MetricResult.builder(name());
            add(b, "knowmem_f", "forget", c.require(MuseInputs.KNOWMEM_FORGET), v);
            add(b, "knowmem_r", "retain", c.require(MuseInputs.KNOWMEM_RETAIN), v);
            return b.build();
        }

        private static void add(MetricResult.Builder b, String scalar, String split, MuseInputs.Answers a, VerbMem.Variant v) {
            List<String> keys = new ArrayList<>(a.reference().keySet());
            List<String> gen = new ArrayList<>();
            for (String k : keys) {
                String g = a.generated().get(k);
                if (g == null) {
                    throw new InvalidInputException("KnowMem " + split + ": no generated answer for sample " + k);
                }
                gen.add(g);
            }
            double[] per = KnowMem.perSample(new ArrayList<>(a.reference().values()), gen, v);
            b.scalar(scalar, dev.unlearn.eval.stats.NumpySum.mean(per) * v.scale());
            b.series("rougeL_f1/" + split, series(keys, per));
        }
    }

    /**
     * {@code muse_privleak}: scalars {@code privleak} (percent), {@code auc} (the unlearned model's AUC in
     * the variant's convention) and {@code auc_retrained}; series of Min-40% scores.
     */
    public static final class PrivLeakMetric extends SuiteMetric {
        private static final double K = 0.4;

        /** Privacy leakage from forget and holdout log-probs. */
        public PrivLeakMetric() {
            super("muse_privleak", SUITE, MuseInputs.PRIVLEAK_FORGET, MuseInputs.PRIVLEAK_HOLDOUT);
        }

        @Override
        public List<Headline> headlines() {
            return List.of(
                    column(name(), "privleak", 230, Headline.Direction.CLOSER_TO_RETAIN),
                    Headline.field("privleak_auc", name(), "auc", 260, Headline.Direction.CLOSER_TO_RETAIN),
                    Headline.field("privleak_auc_retrained", name(), "auc_retrained", 270, Headline.Direction.CLOSER_TO_RETAIN));
        }

        @Override
        public MetricResult evaluate(EvaluationContext c) {
            boolean ou = variant(c) == VerbMem.Variant.OU;
            Map<String, Double> f = scores(c.require(MuseInputs.PRIVLEAK_FORGET), ou, "forget");
            Map<String, Double> h = scores(c.require(MuseInputs.PRIVLEAK_HOLDOUT), ou, "holdout");
            double auc = auc(f, h, ou);
            Optional<MuseInputs.TokenLogProbs> rf = c.find(MuseInputs.PRIVLEAK_RETRAINED_FORGET);
            Optional<MuseInputs.TokenLogProbs> rh = c.find(MuseInputs.PRIVLEAK_RETRAINED_HOLDOUT);
            double aucRetrained;
            if (rf.isPresent() && rh.isPresent()) {
                aucRetrained = auc(scores(rf.get(), ou, "retrained forget"), scores(rh.get(), ou, "retrained holdout"), ou);
            } else if (ou) {
                aucRetrained = Double.NaN;
            } else {
                String corpus = c.find(MuseInputs.CORPUS).orElseThrow(() -> new InvalidInputException(
                        "MUSE PrivLeak needs the retrained model's privleak log-probs or the corpus name (news|books) for the published AUC"));
                aucRetrained = switch (corpus.toLowerCase(Locale.ROOT)) {
                    case "news" -> PrivLeak.AUC_RETRAIN_NEWS;
                    case "books" -> PrivLeak.AUC_RETRAIN_BOOKS;
                    default -> throw new InvalidInputException("MUSE corpus '" + corpus + "' is unknown; use news or books");
                };
            }
            double leak = ou ? PrivLeak.ou(auc, aucRetrained) : PrivLeak.museOriginal(auc, aucRetrained);
            return MetricResult.builder(name()).scalar("privleak", leak).scalar("auc", auc).scalar("auc_retrained", aucRetrained)
                    .series("forget", f).series("holdout", h).build();
        }

        private static double auc(Map<String, Double> f, Map<String, Double> h, boolean ou) {
            double[] fa = f.values().stream().mapToDouble(Double::doubleValue).toArray();
            double[] ha = h.values().stream().mapToDouble(Double::doubleValue).toArray();
            return ou ? dev.unlearn.eval.stats.RocAuc.auc(fa, ha) : PrivLeak.aucMuse(fa, ha);
        }

        private static Map<String, Double> scores(MuseInputs.TokenLogProbs t, boolean ou, String set) {
            Map<String, Double> m = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> e : t.logProbs().entrySet()) {
                double s = ou ? PrivLeak.ouMinKScore(e.getValue(), K) : PrivLeak.museMinKScore(e.getValue(), K);
                if (Double.isNaN(s)) {
                    throw new InvalidInputException("MUSE PrivLeak: " + set + " text " + e.getKey() + " has " + e.getValue().length
                            + " scored tokens, too few for Min-40% (the reference yields NaN); drop it or use --ou-compat");
                }
                m.put(e.getKey(), s);
            }
            return m;
        }
    }
}

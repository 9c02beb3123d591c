package dev.unlearn.eval.muse;

import dev.unlearn.eval.rouge.Rouge;
import dev.unlearn.eval.stats.NumpySum;
import java.util.List;

/**
 * MUSE VerbMem: mean ROUGE-L F1 between the ground-truth continuation and the model's greedy
 * continuation of each forget-set prompt.
 *
 * <p>Default: MUSE original ({@code swj0419/muse_bench metrics/verbmem.py}): ROUGE-L F1 without
 * stemming, reported ×100; the caller passes as reference the decoded first 128 ids of
 * {@code tokenizer(gt)} (BOS included, so 127 text tokens) and as prediction the decoded 128 new
 * greedy tokens. {@link Variant#OU}: open-unlearning {@code forget_verbmem_ROUGE}: stemmed, fraction
 * in [0,1], reference = the full decoded {@code gt}. Spec §3.2.
 */
public final class VerbMem {
    /** Which reference's semantics to apply. */
    public enum Variant {
        /** MUSE original: no stemming, ×100. */
        MUSE(false, 100.0),
        /** open-unlearning: stemming, fraction. */
        OU(true, 1.0);

        final boolean stem;
        final double scale;

        Variant(boolean stem, double scale) {
            this.stem = stem;
            this.scale = scale;
        }

        /** The scorer this variant uses. */
        public Rouge rouge() {
            return new Rouge(stem);
        }

        /** Factor applied to the mean (100 or 1). */
        public double scale() {
            return scale;
        }
    }

    /** One scored continuation. */
    public record Continuation(String reference, String generated) {}

    private VerbMem() {}

    /** Per-sample ROUGE-L F1 (unscaled). */
    public static double[] perSample(List<Continuation> items, Variant v) {
        Rouge r = v.rouge();
        double[] out = new double[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.rougeL(items.get(i).reference(), items.get(i).generated()).f1();
        }
        return out;
    }

    /** Reported value: mean F1 times the variant's scale. */
    public static double score(List<Continuation> items, Variant v) {
        return NumpySum.mean(perSample(items, v)) * v.scale();
    }
}

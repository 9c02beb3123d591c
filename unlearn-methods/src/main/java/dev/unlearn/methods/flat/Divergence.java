package dev.unlearn.methods.flat;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import dev.unlearn.methods.loss.StableMath;
import dev.unlearn.methods.spi.ConfigChecks;
import java.util.List;

/**
 * FLAT's f-divergences (methods.md §5.3) as {@code L(P_e, P_f) = A(P_e) − C(P_f)} with
 * {@code A(x) = −g(x)} and {@code C(x) = −f*(g(x))}, exactly as FLAT-repo codes them
 * ({@code get_contrastive_loss}), for the five whose critic increases in the probability:
 *
 * <pre>
 *   kl               L = −P_e + e^{P_f − 1}
 *   pearson          L = −P_e + P_f²/4 + P_f
 *   jensen-shannon   L = softplus(−P_e) − log 2 + P_f + softplus(−P_f) − log 2
 *   total-variation  L = −tanh(P_e)/2 + tanh(P_f)/2
 *   jeffrey          L = −P_e + P_f + P_f²/4 + P_f³/16
 * </pre>
 *
 * For {@code reverse-kl}, {@code squared-hellinger} and {@code neyman} the coded critics decrease in
 * the probability (minimising lowers the template probability; test vector T5b), so by default we use
 * increasing critics [OURS], which differ from the reference code:
 *
 * <pre>
 *   reverse-kl         L = e^{−P_e} − 1 + P_f
 *   squared-hellinger  L = −(1 − e^{−P_e}) + e^{P_f} − 1
 *   neyman             L = −(1 − e^{−P_e}) + 2 − 2e^{−P_f/2}
 * </pre>
 *
 * With {@code reference_quirks: true} the coded forms are used instead (comparison runs only):
 * {@code e^{P_e} − 1 − P_f}, {@code −(1 − e^{P_e}) + (1 − e^{P_f})/e^{P_f}},
 * {@code −(1 − e^{P_e}) + 2 − 2√(1 − P_f)}.
 */
public enum Divergence {
    KL("kl", "KL"),
    PEARSON("pearson", "Pearson"),
    JENSEN_SHANNON("jensen-shannon", "Jenson-Shannon"),
    TOTAL_VARIATION("total-variation", "Total-Variation"),
    JEFFREY("jeffrey", "Jeffrey"),
    REVERSE_KL("reverse-kl", "Reverse-KL"),
    SQUARED_HELLINGER("squared-hellinger", "Squared-Hellinger"),
    NEYMAN("neyman", "Neyman");

    private static final double LOG2 = Math.log(2);
    private final String label;
    private final String codeString;

    Divergence(String label, String codeString) {
        this.label = label;
        this.codeString = codeString;
    }

    @JsonValue
    public String label() {
        return label;
    }

    /** The spelling in FLAT-repo's code (accepted as an alias). */
    public String codeString() {
        return codeString;
    }

    @JsonCreator
    public static Divergence parse(String s) {
        return ConfigChecks.choice("divergence", s, Divergence.class, e -> List.of(e.label, e.codeString));
    }

    /** Whether the reference code's form pushes the wrong way (and so differs from ours). */
    public boolean hasReferenceQuirk() {
        return this == REVERSE_KL || this == SQUARED_HELLINGER || this == NEYMAN;
    }

    /**
     * The loss, elementwise over matching arrays of template probabilities {@code pe} and forget
     * probabilities {@code pf} (each in [0, 1]).
     *
     * @param referenceQuirks use the coded (decreasing-critic) forms for the last three divergences
     */
    public NDArray loss(NDArray pe, NDArray pf, boolean referenceQuirks) {
        switch (this) {
            case KL:
                return pe.neg().add(Scalars.sub(pf, 1).exp());
            case PEARSON:
                return pe.neg().add(Scalars.div(pf.square(), 4)).add(pf);
            case JENSEN_SHANNON:
                return Scalars.add(StableMath.softplus(pe.neg()).add(pf).add(StableMath.softplus(pf.neg())), -2 * LOG2);
            case TOTAL_VARIATION:
                return Scalars.div(pe.tanh(), -2).add(Scalars.div(pf.tanh(), 2));
            case JEFFREY:
                return pe.neg().add(pf).add(Scalars.div(pf.square(), 4)).add(Scalars.div(Scalars.pow(pf, 3), 16));
            case REVERSE_KL:
                return referenceQuirks ? Scalars.sub(pe.exp(), 1).sub(pf) : Scalars.sub(pe.neg().exp(), 1).add(pf);
            case SQUARED_HELLINGER:
                if (referenceQuirks) {
                    NDArray ef = pf.exp();
                    return Scalars.sub(pe.exp(), 1).add(Scalars.rsub(1, ef).div(ef));
                }
                return Scalars.sub(Scalars.sub(pe.neg().exp(), 1).add(pf.exp()), 1);
            case NEYMAN:
                if (referenceQuirks) {
                    return Scalars.add(Scalars.sub(pe.exp(), 1), 2)
                            .sub(Scalars.mul(Scalars.maximum(Scalars.rsub(1, pf), 0).sqrt(), 2));
                }
                return Scalars.add(Scalars.sub(pe.neg().exp(), 1), 2).sub(Scalars.mul(Scalars.div(pf, -2).exp(), 2));
            default:
                throw new AssertionError(this);
        }
    }
}

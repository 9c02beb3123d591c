package dev.unlearn.methods.rmu;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.Scalars;
import java.util.SplittableRandom;

/**
 * RMU, Representation Misdirection for Unlearning (methods.md §7) [REF OU {@code src/trainer/unlearn/rmu.py},
 * adapted from WMDP {@code rmu/unlearn.py}]: pull the forget activations of block ℓ towards a fixed
 * random direction and pin the retain activations to the original model's.
 *
 * <pre>
 *   u = c · u₀/‖u₀‖₂,  u₀ ~ Uniform[0,1)^d       (once per run, seeded; stored with the checkpoint)
 *   act(a, t, m) = (1/b) Σ_b [ Σ_s m_{b,s} · (1/d) Σ_j (a_{b,s,j} − t_{b,s,j})²  /  Σ_s m_{b,s} ]
 *   L = γ · act(h_θ(x_f), u, m_f) + α · act(h_θ(x_r), h_ref(x_r), m_r)
 *   m_{b,s} = [l_s ≠ −100] on the UNSHIFTED labels; h = the raw output of decoder block ℓ (a hook on
 *   model.layers[ℓ]; equal to HF hidden_states[ℓ + 1] only below the last block, whose hidden state HF
 *   takes after the final norm)
 *   WMDP form: plain MSE over all b·s·d elements instead of act
 * </pre>
 *
 * Paper: Li et al., "The WMDP Benchmark: Measuring and Reducing Malicious Use With Unlearning",
 * <a href="https://arxiv.org/abs/2403.03218">arXiv:2403.03218</a>.
 */
public final class RepresentationMisdirection {
    private RepresentationMisdirection() {}

    /** {@code c · u₀/‖u₀‖₂} for a given draw {@code u₀}. */
    public static double[] controlVector(double[] draw, double steeringCoeff) {
        double n = 0;
        for (double x : draw) {
            n += x * x;
        }
        n = Math.sqrt(n);
        if (!(n > 0)) {
            throw new IllegalArgumentException("control-vector draw has zero norm");
        }
        double[] out = new double[draw.length];
        for (int i = 0; i < draw.length; i++) {
            out[i] = steeringCoeff * draw[i] / n;
        }
        return out;
    }

    /** Draws {@code u₀ ~ Uniform[0,1)^d} from the seed and scales it. */
    public static double[] controlVector(int hiddenSize, long seed, double steeringCoeff) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] draw = new double[hiddenSize];
        for (int i = 0; i < hiddenSize; i++) {
            draw[i] = r.nextDouble();
        }
        return controlVector(draw, steeringCoeff);
    }

    /**
     * OU's masked activation loss; scalar. Samples without a masked-in position are excluded from the
     * mean over samples (OU would divide 0 by 0).
     *
     * @param a activations {@code [b, s, d]}
     * @param target {@code [b, s, d]} or broadcastable ({@code [d]} for the control vector)
     * @param mask {@code [b, s]}, 1 on answer positions (float type of {@code a})
     */
    public static NDArray activationLoss(NDArray a, NDArray target, NDArray mask) {
        NDArray perToken = a.sub(target).square().mean(new int[] {-1});
        NDArray count = mask.sum(new int[] {1});
        NDArray perSample = perToken.mul(mask).sum(new int[] {1}).div(Scalars.maximum(count, 1));
        NDArray valid = count.gt(0).toType(a.getDataType(), false);
        return perSample.mul(valid).sum().div(valid.sum());
    }

    /** WMDP's plain mean squared error over every element; scalar. */
    public static NDArray wmdpMse(NDArray a, NDArray target) {
        return a.sub(target).square().mean();
    }

    /** The mask {@code [b, s]} of positions whose own (unshifted) label is a target. */
    public static NDArray answerMask(NDArray labels, ai.djl.ndarray.types.DataType type) {
        return labels.neq(-100L).toType(type, false);
    }

    /**
     * Mean L2 norm of the activations over masked-in positions; log it on forget data in the run summary
     * so users can scale {@code steering_coeff} to the layer (UNCONFIRMED guidance, methods.md §7.3).
     */
    public static NDArray meanActivationNorm(NDArray a, NDArray mask) {
        NDArray norms = a.square().sum(new int[] {-1}).sqrt();
        return norms.mul(mask).sum().div(mask.sum());
    }
}

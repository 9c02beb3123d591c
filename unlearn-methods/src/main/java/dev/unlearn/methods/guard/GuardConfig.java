package dev.unlearn.methods.guard;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.MethodConfig;

/**
 * Keys of {@code guard} (methods.md §9.2; all values OURS or from a third-party reimplementation,
 * UNCONFIRMED against the paper).
 *
 * @param detectorLayer hidden-state index for the detector features; null (default) = penultimate block output
 * @param detectorModel {@code mlp} (default: 256-256, ReLU, dropout 0.1) or {@code logistic}
 * @param detectorThreshold τ_d, default 0.5
 * @param retrievalTopK forget samples retrieved per detected prompt, default 1
 * @param excludePromptWords drop answer words that occur in the question, default true
 * @param beamWidth B, default 7
 * @param candidatesPerBeam candidates expanded per beam, default 14 (2 × width)
 * @param beta hard-block threshold on the match ratio, default 1.0 (block completions only)
 * @param tokenPenalty λ_tok soft penalty for partial matches, default 0
 * @param semanticThreshold δ, default 0.5 (calibrated per model and stored in the filter file)
 * @param semanticPenalty λ_sem, default 1.0
 * @param maxNewTokens default 200
 * @param fallback {@code refusal} (default): emit the first refusal template when every candidate is blocked
 * @param refusalSteering logit bonus for a refusal's first token at step 1; 0 (default) = off
 */
public record GuardConfig(Integer detectorLayer, String detectorModel, double detectorThreshold, int retrievalTopK,
        boolean excludePromptWords, int beamWidth, int candidatesPerBeam, double beta, double tokenPenalty,
        double semanticThreshold, double semanticPenalty, int maxNewTokens, String fallback, double refusalSteering)
        implements MethodConfig {
    public GuardConfig {
        if (detectorLayer != null && detectorLayer < 0) {
            throw new InvalidInputException("Config key 'detector_layer' must be ≥ 0, found " + detectorLayer + ".");
        }
        detectorModel = detectorModel == null ? "mlp" : detectorModel;
        if (!detectorModel.equals("mlp") && !detectorModel.equals("logistic")) {
            throw new InvalidInputException("Config key 'detector_model': unknown value '" + detectorModel
                    + "'; valid values: mlp, logistic.");
        }
        if (!(detectorThreshold > 0 && detectorThreshold < 1)) {
            throw new InvalidInputException("Config key 'detector_threshold' must be in (0, 1), found "
                    + detectorThreshold + ".");
        }
        ConfigChecks.atLeast("retrieval_top_k", retrievalTopK, 1);
        ConfigChecks.atLeast("beam_width", beamWidth, 1);
        ConfigChecks.atLeast("candidates_per_beam", candidatesPerBeam, 1);
        ConfigChecks.positive("beta", beta);
        ConfigChecks.nonNegative("token_penalty", tokenPenalty);
        ConfigChecks.positive("semantic_threshold", semanticThreshold);
        ConfigChecks.nonNegative("semantic_penalty", semanticPenalty);
        ConfigChecks.atLeast("max_new_tokens", maxNewTokens, 1);
        fallback = fallback == null ? "refusal" : fallback;
        if (!fallback.equals("refusal")) {
            throw new InvalidInputException("Config key 'fallback': unknown value '" + fallback
                    + "'; valid values: refusal.");
        }
        ConfigChecks.nonNegative("refusal_steering", refusalSteering);
    }

    public static GuardConfig defaults() {
        return new GuardConfig(null, "mlp", 0.5, 1, true, 7, 14, 1.0, 0.0, 0.5, 1.0, 200, "refusal", 0.0);
    }

    /** Retain questions serve as detector negatives. */
    @Override
    public boolean needsRetain() {
        return true;
    }

    @Override
    public String retainReason() {
        return "the prompt detector trains on retain questions as negatives (methods.md §9.2)";
    }
}

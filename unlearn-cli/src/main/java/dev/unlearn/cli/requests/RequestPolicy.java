package dev.unlearn.cli.requests;

import dev.unlearn.cli.AdapterOptions;
import dev.unlearn.cli.recipe.MethodTrain;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.model.Precision;
import dev.unlearn.core.train.TrainSettings;
import java.util.List;
import java.util.Map;

/**
 * Named policies a data-protection team can cite in a request: each fixes the method, its config, the
 * optimisation settings and the acceptance thresholds. A request only names a policy and may tighten
 * its thresholds, never loosen them ({@link PolicySet#effective}); deployments add their own policies
 * with a policy file ({@link PolicySet#load}).
 *
 * <p>Default thresholds were calibrated on the built-in world, where a model trained without the
 * subject (the ideal outcome) measures forget probability 0.02, ROUGE-L recall 0.53 (answers share
 * the question's words), MIA AUC 0.50 and extraction rate 0.07, against 0.99, 1.0, 1.0 and 0.63 for
 * the model that was trained on them ({@code RequestVerifierTest}).
 *
 * <ul>
 *   <li>{@code standard}: NPO with a strong retain NLL term (α = 5), at most 24 steps at 1e-3, batch 4,
 *       verified after every step;</li>
 *   <li>{@code strict}: the same unlearning with tighter thresholds.</li>
 * </ul>
 * The optimisation settings are calibrated for the built-in world's tiny models (a sweep on it:
 * 8 steps at 2e-3 with α = 1 loses 54% of retain probability; 16 or 24 steps over-forget, so the
 * forget set looks less likely than never-seen data and the MIA check fails; α = 5, 16 steps at 1e-3
 * passes every check on the fixture the tests were written against, but over-forgets on two of five
 * other training seeds of the same world). A fixed step count is fragile: how far the same steps move a
 * model depends on how strongly it memorised the subject. So both policies check the request's acceptance
 * figures after every step ({@code verify_every} = 1) and stop at the first step where every check passes,
 * which is also the least training that verifies; a run that never passes trains all its steps and is
 * judged on them. Every step, not every second: the MIA AUC can cross its band within two steps, and with
 * {@code verify_every} = 2 the fixture rebuilt under other MKL kernels (a stand-in for another CPU) failed
 * the band at steps 12 and 14 and passed only at 16, against 11 when measured at every step. With the stop
 * guarding against over-forgetting, {@code max_steps} is only a cap, so it is 24: the five training seeds of
 * the tiny world stop at steps 7-14. For a real checkpoint define a policy in the deployment's policy file (for a
 * 1B model, methods.md §1.4's lr 1e-5 and several epochs). A policy may train LoRA adapters on a frozen
 * base ({@code train.lora}) and load that base in half precision ({@code train.precision}), as a recipe's
 * method stage does; the adapters are merged into the published checkpoint.
 */
public record RequestPolicy(String name, String method, Map<String, Object> config, MethodTrain training,
        DeletionRequest.Thresholds thresholds, int verifyEvery) {

    public RequestPolicy {
        if (training.export() != null) {
            throw new InvalidInputException("policy '" + name + "': train.export: a request publishes a merged"
                    + " checkpoint; leave export out");
        }
        if (verifyEvery < 0) {
            throw new InvalidInputException("verify_every must be 0 (off) or a number of steps, found " + verifyEvery);
        }
    }

    /** A policy that trains every weight in float32, for all of its steps. */
    public RequestPolicy(String name, String method, Map<String, Object> config, TrainSettings train,
            DeletionRequest.Thresholds thresholds) {
        this(name, method, config, new MethodTrain(train, null, null, null, null), thresholds, 0);
    }

    /** The training settings of {@code train} (its adapter keys aside). */
    public TrainSettings train() {
        return training.settings();
    }

    /** {@code train.lora}, or null. */
    public MethodTrain.Lora lora() {
        return training.lora();
    }

    /** The precision the model is loaded in, {@code train.precision} (fp32 when absent). */
    public Precision precision() {
        return training.modelPrecision();
    }

    /**
     * Whether training is verified while it runs: every {@link #verifyEvery} optimizer steps the request's
     * checks are measured on the model as it stands, and training stops at the first step where all pass.
     */
    public boolean verifiesDuringTraining() {
        return verifyEvery > 0;
    }

    /** Whether the policy trains LoRA adapters on a frozen base ({@code train.lora.rank > 0}). */
    public boolean adapters() {
        return training.adapters();
    }

    /**
     * The adapter options of {@code train.lora} ({@code export} is always merged: a request publishes a
     * full checkpoint); check them with {@code check(method, null)} and attach them after loading.
     */
    public AdapterOptions adapterOptions() {
        return training.options();
    }

    public static final List<String> NAMES = List.of("standard", "strict");

    /** Both policies' training: at most 24 steps at 1e-3, batch 4, no weight decay, constant rate; the rest the defaults. */
    static final TrainSettings STANDARD_TRAIN = TrainSettings.DEFAULTS.with(Map.of("max_steps", 24, "lr", 1e-3,
            "batch_size", 4, "weight_decay", 0.0, "schedule", "constant"));

    private static final MethodTrain STANDARD_TRAINING = new MethodTrain(STANDARD_TRAIN, null, null, null, null);

    /** Both policies verify after each of their at most 24 steps and stop at the first that passes. */
    static final int STANDARD_VERIFY_EVERY = 1;

    public static RequestPolicy named(String name) {
        String n = name == null ? "standard" : name;
        return switch (n) {
            case "standard" -> new RequestPolicy(n, "npo", Map.of("beta", 0.1, "alpha", 5.0, "gamma", 1.0),
                    STANDARD_TRAINING, new DeletionRequest.Thresholds(0.25, 0.65, 0.25, 0.2, 0.25), STANDARD_VERIFY_EVERY);
            case "strict" -> new RequestPolicy(n, "npo", Map.of("beta", 0.1, "alpha", 5.0, "gamma", 1.0),
                    STANDARD_TRAINING, new DeletionRequest.Thresholds(0.1, 0.6, 0.15, 0.1, 0.15), STANDARD_VERIFY_EVERY);
            default -> throw new InvalidInputException("unknown policy '" + n + "'; valid: " + NAMES);
        };
    }
}

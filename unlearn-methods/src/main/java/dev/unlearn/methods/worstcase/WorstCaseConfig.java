package dev.unlearn.methods.worstcase;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.ConfigChecks;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the worst-case forget-set search (methods.md §10.4 defaults, snake_case keys).
 *
 * @param size target size: a count ({@code "400"}) or a percentage of the pool ({@code "10%"})
 * @param iterations outer iterations T, default 10
 * @param wLr upper learning rate η_w, default 0.01
 * @param wL2 ℓ2 weight γ_w, default 0
 * @param binarizeEvery binarise w every this many iterations; null (default) = iterations (only at the end)
 * @param init {@code random-binary} (default, reference) or {@code uniform} (w_i = m/N)
 * @param projection {@code exact} (default, OURS) or {@code bisection} (REF)
 * @param lowerEpochs lower-level epochs over the pool, default 1
 * @param lowerOptimizer {@code sign-sgd} (default, lr = the method's lr) or {@code method} (its own AdamW)
 * @param entityLevel one weight per entity (TOFU author) instead of per QA pair, default false
 * @param keepBest return the evaluated binary set with the lowest post-unlearning loss instead of the
 *     top-m of the final w [OURS], default false (reference behaviour)
 * @param outsideLoss {@code current} (default, reference: every item's loss under θ*(w)) or
 *     {@code remembered} [OURS]: items outside the forget set use their loss from the last time they were
 *     in it, or the forget set's mean ({@link WorstCaseSearch#run})
 */
public record WorstCaseConfig(String size, int iterations, double wLr, double wL2, Integer binarizeEvery, Init init,
        Projection projection, int lowerEpochs, String lowerOptimizer, boolean entityLevel, boolean keepBest,
        String outsideLoss) {
    /** Start of w. */
    public enum Init {
        RANDOM_BINARY, UNIFORM;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @JsonCreator
        public static Init parse(String s) {
            return ConfigChecks.choice("init", s, Init.class, e -> List.of(e.label()));
        }
    }

    /** Projection onto the capped simplex. */
    public enum Projection {
        EXACT, BISECTION;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Projection parse(String s) {
            return ConfigChecks.choice("projection", s, Projection.class, e -> List.of(e.label()));
        }
    }

    public WorstCaseConfig {
        size = size == null ? "10%" : size.trim();
        ConfigChecks.atLeast("iterations", iterations, 1);
        ConfigChecks.positive("w_lr", wLr);
        ConfigChecks.nonNegative("w_l2", wL2);
        if (binarizeEvery != null) {
            ConfigChecks.atLeast("binarize_every", binarizeEvery, 1);
        }
        init = init == null ? Init.RANDOM_BINARY : init;
        projection = projection == null ? Projection.EXACT : projection;
        ConfigChecks.atLeast("lower_epochs", lowerEpochs, 1);
        lowerOptimizer = lowerOptimizer == null ? "sign-sgd" : lowerOptimizer;
        outsideLoss = outsideLoss == null ? "current" : outsideLoss;
        if (!outsideLoss.equals("current") && !outsideLoss.equals("remembered")) {
            throw new InvalidInputException("Config key 'outside_loss': unknown value '" + outsideLoss
                    + "'; valid values: current, remembered.");
        }
        if (lowerOptimizer.equals("method")) {
            throw new InvalidInputException("Config key 'lower_optimizer': 'method' (the method's own AdamW) is not"
                    + " implemented yet; use sign-sgd (the reference lower level).");
        }
        if (!lowerOptimizer.equals("sign-sgd")) {
            throw new InvalidInputException("Config key 'lower_optimizer': unknown value '" + lowerOptimizer
                    + "'; valid values: sign-sgd.");
        }
    }

    public static WorstCaseConfig defaults() {
        return new WorstCaseConfig("10%", 10, 0.01, 0, null, Init.RANDOM_BINARY, Projection.EXACT, 1, "sign-sgd", false, false, "current");
    }

    /** Whether {@code outside_loss} is {@code remembered}. */
    public boolean rememberOutside() {
        return outsideLoss.equals("remembered");
    }

    /** Binarisation period: {@code min(binarize_every, iterations)}. */
    public int effectiveBinarizeEvery() {
        return binarizeEvery == null ? iterations : Math.min(binarizeEvery, iterations);
    }

    /** m for a pool of n items (or entities): a count, or a percentage rounded down; 1 … n−1. */
    public int targetSize(int n) {
        if (n < 2) {
            throw new InvalidInputException("The pool holds " + n + (entityLevel ? " entity" : " record") + (n == 1 ? "" : "s")
                    + ": a set of 1 … n−1 " + (entityLevel ? "entities" : "records") + " needs at least 2"
                    + (entityLevel ? " (field 'author')" : "") + ".");
        }
        int m;
        try {
            m = size.endsWith("%")
                    ? (int) Math.floor(Double.parseDouble(size.substring(0, size.length() - 1)) / 100.0 * n)
                    : Integer.parseInt(size);
        } catch (NumberFormatException ex) {
            throw new InvalidInputException("Config key 'size': '" + size + "' is neither a count nor a percentage.");
        }
        if (m < 1 || m >= n) {
            throw new InvalidInputException("Config key 'size': " + size + " gives m = " + m + " for a pool of " + n
                    + "; it must give 1 … " + (n - 1) + ".");
        }
        return m;
    }
}

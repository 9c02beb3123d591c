package dev.unlearn.methods.pd;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.ConfigChecks;
import dev.unlearn.methods.spi.MethodConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keys of the {@code pd} decorator (methods.md §8.3).
 *
 * @param base the wrapped loss-based method ({@code ga}, {@code graddiff}, {@code npo}, {@code simnpo},
 *     {@code flat}, {@code rmu}); required
 * @param pdWeight λ_pd; null (default) means 0.5 for {@code ga}/{@code graddiff} and 1.0 otherwise
 *     (SafeEraser's values); must be ≥ 0
 * @param baseConfig the base method's own keys, bound by the base method (its α is not changed)
 */
public record PdConfig(String base, Double pdWeight, Map<String, Object> baseConfig) implements MethodConfig {
    public PdConfig {
        if (base == null || base.isBlank()) {
            throw new InvalidInputException("Config key 'base' is missing: pd wraps a loss-based method"
                    + " (ga, graddiff, npo, simnpo, flat or rmu).");
        }
        base = base.trim().toLowerCase(Locale.ROOT);
        if (base.equals("pd")) {
            throw new InvalidInputException("Config key 'base': pd cannot wrap itself.");
        }
        if (pdWeight != null) {
            ConfigChecks.nonNegative("pd_weight", pdWeight);
        }
        baseConfig = baseConfig == null ? Map.of() : new LinkedHashMap<>(baseConfig);
    }

    /** The decorator's defaults: base {@code graddiff} (a recipe always names its base). */
    public static PdConfig defaults() {
        return new PdConfig("graddiff", null, Map.of());
    }

    /** λ_pd: the configured value, or SafeEraser's 0.5 (ga, graddiff) / 1.0 (others). */
    public double effectiveWeight() {
        if (pdWeight != null) {
            return pdWeight;
        }
        return base.equals("ga") || base.equals("graddiff") ? 0.5 : 1.0;
    }
}

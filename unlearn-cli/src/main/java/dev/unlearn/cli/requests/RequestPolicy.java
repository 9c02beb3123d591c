package dev.unlearn.cli.requests;

import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.core.InvalidInputException;
import java.util.List;
import java.util.Map;

/**
 * Named policies a data-protection team can cite in a request instead of tuning a method: each fixes
 * the method, its config, the optimisation settings and default acceptance thresholds. A request's
 * own {@code method}, {@code config}, {@code train} and {@code thresholds} override the policy's.
 *
 * <ul>
 *   <li>{@code standard}: NPO with a retain NLL term (bounded, keeps utility);</li>
 *   <li>{@code strict}: GradDiff, longer, with tighter thresholds.</li>
 * </ul>
 */
public record RequestPolicy(String name, String method, Map<String, Object> config, Recipe.TrainSpec train,
        DeletionRequest.Thresholds thresholds) {

    public static final List<String> NAMES = List.of("standard", "strict");

    public static RequestPolicy named(String name) {
        String n = name == null ? "standard" : name;
        return switch (n) {
            case "standard" -> new RequestPolicy(n, "npo", Map.of("beta", 0.1, "alpha", 1.0, "gamma", 1.0),
                    new Recipe.TrainSpec(null, 60, 2e-3, 8, 1, 0.0, 0, "constant", 1.0),
                    new DeletionRequest.Thresholds(0.25, 0.5, 0.25, 0.2, 0.5));
            case "strict" -> new RequestPolicy(n, "graddiff", Map.of("gamma", 1.0, "alpha", 1.0),
                    new Recipe.TrainSpec(null, 100, 2e-3, 8, 1, 0.0, 0, "constant", 1.0),
                    new DeletionRequest.Thresholds(0.1, 0.3, 0.2, 0.05, 0.5));
            default -> throw new InvalidInputException("unknown policy '" + n + "'; valid: " + NAMES);
        };
    }
}

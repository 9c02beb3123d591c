package dev.unlearn.cli.requests;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.unlearn.cli.TrainingOptions;
import dev.unlearn.cli.recipe.MethodTrain;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.Methods;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The policies a deployment offers: the built-in ones ({@link RequestPolicy}) plus those of its
 * policy file. A request only names one; the method, config, training settings and thresholds come
 * from here, and a request's own thresholds may only be tighter than the policy's floors.
 *
 * <pre>{@code
 * policies:
 *   gentle:
 *     method: npo
 *     config: {beta: 0.1, alpha: 5.0, gamma: 1.0}
 *     train: {max_steps: 16, lr: 0.001, batch_size: 4, schedule: constant}
 *     thresholds: {max_forget_probability: 0.3, max_forget_rouge: 0.7, mia_auc_band: 0.25,
 *                  max_extraction_rate: 0.2, max_utility_drop: 0.3}
 *     verify_every: 4   # measure the checks every 4 steps; stop at the first that passes (default: off)
 *   large-model:      # LoRA adapters on a bf16 base, merged into the published checkpoint
 *     method: npo
 *     train: {max_steps: 40, lr: 0.0001, lora: {rank: 16, alpha: 32, targets: all}, precision: bf16}
 *     thresholds: {max_forget_probability: 0.3, max_forget_rouge: 0.7, mia_auc_band: 0.25,
 *                  max_extraction_rate: 0.2, max_utility_drop: 0.3}
 * }</pre>
 * Every threshold is required; names of built-in policies cannot be redefined.
 */
public final class PolicySet {
    /** A policy as written in the file. */
    public record Spec(String method, Map<String, Object> config, MethodTrain train,
            DeletionRequest.Thresholds thresholds,
            @JsonProperty("verify_every") Integer verifyEvery) {}

    /** The file: a mapping of names to policies. */
    public record File(Map<String, Spec> policies) {}

    static final ObjectMapper YAML = strict(new ObjectMapper(new YAMLFactory()));

    private final Map<String, RequestPolicy> byName;

    private PolicySet(Map<String, RequestPolicy> byName) {
        this.byName = byName;
    }

    /**
     * A mapper that rejects unknown and duplicate keys, strings or floats where numbers or booleans belong, and
     * nulls inside lists.
     */
    public static ObjectMapper strict(ObjectMapper m) {
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // a null in a list (suites: [null], entities: [null]) is an error, not an element for the code to trip on
        m.configOverride(List.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return m;
    }

    /** The built-in policies only. */
    public static PolicySet builtIn() {
        Map<String, RequestPolicy> m = new LinkedHashMap<>();
        for (String n : RequestPolicy.NAMES) {
            m.put(n, RequestPolicy.named(n));
        }
        return new PolicySet(m);
    }

    /** The built-in policies plus those of {@code file} (null: built-in only). Errors name the file and key. */
    public static PolicySet load(Path file) {
        PolicySet set = builtIn();
        if (file == null) {
            return set;
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("policy file " + file + " does not exist");
        }
        byte[] text; // read once: the typed file and the tree below come from the same bytes
        try {
            text = Files.readAllBytes(file);
        } catch (IOException ex) {
            throw new InvalidInputException("cannot read policy file " + file + ": " + ex.getMessage(), ex);
        }
        File f = read(file, text, File.class);
        // the typed file holds each train section with its defaults applied; the tree says which keys were written
        JsonNode tree = read(file, text, JsonNode.class);
        if (f == null || f.policies() == null || f.policies().isEmpty()) {
            throw new InvalidInputException("policy file " + file + ": 'policies' must map names to policies");
        }
        // a key without a value (lr:) would bind to its default, and 'has("lr")' would take it for a stated rate
        List<String> problems = RecipeLoader.nullKeys(tree, "");
        if (!problems.isEmpty()) {
            throw new InvalidInputException("policy file " + file + ": " + String.join("; ", problems));
        }
        for (Map.Entry<String, Spec> e : f.policies().entrySet()) {
            String k = "policies." + e.getKey();
            Spec s = e.getValue();
            int problemsBefore = problems.size();
            if (set.byName.containsKey(e.getKey())) {
                problems.add(k + ": '" + e.getKey() + "' is a built-in policy and cannot be redefined; choose another name");
                continue;
            }
            if (!e.getKey().matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
                problems.add(k + ": a policy name is letters, digits, '_' and '-'");
            }
            if (s == null || s.method() == null) {
                problems.add(k + ".method: required");
                continue;
            }
            try {
                Methods.byName(s.method()).bind(s.config() == null ? Map.of() : s.config(), List.of());
            } catch (RuntimeException ex) {
                problems.add(k + ": " + ex.getMessage());
            }
            MethodTrain train = s.train();
            boolean trains = problems.size() == problemsBefore && Methods.byName(s.method()).kind() == MethodKind.LOSS_BASED;
            if (trains && (train == null || !tree.path("policies").path(e.getKey()).path("train").has("lr"))) {
                // a policy states its rate: the default, 1e-5 for a 1B model, rarely suits the deployment's model
                problems.add(k + ".train.lr: required, > 0");
                train = null;
            } else if (train == null) {
                train = new MethodTrain(TrainSettings.DEFAULTS, null, null, null, null); // SSD, GUARD: no training loop
            } else if (train.export() != null) {
                problems.add(k + ".train.export: a request publishes a merged checkpoint; leave export out");
            }
            if (s.verifyEvery() != null && s.verifyEvery() < 1) {
                problems.add(k + ".verify_every: a number of optimizer steps, >= 1 (leave it out to train every step"
                        + " before verifying), found " + s.verifyEvery());
            } else if (s.verifyEvery() != null && problems.size() == problemsBefore && !trains) {
                problems.add(k + ".verify_every: method '" + s.method() + "' " + TrainingOptions.notTraining(s.method())
                        + " and has no training steps to verify between; leave verify_every out");
            } else if (s.verifyEvery() != null && train != null && train.settings().maxSteps() > 0
                    && s.verifyEvery() > train.settings().maxSteps()) {
                problems.add(k + ".verify_every: " + s.verifyEvery() + " is more than train.max_steps "
                        + train.settings().maxSteps() + ", so no step would be verified while it trains; give at most "
                        + train.settings().maxSteps() + " or leave verify_every out");
            }
            if (train != null && problems.size() == problemsBefore) { // as a recipe's method run is checked
                RecipeLoader.checkTrain(problems, k + ".train", s.method(), train, null);
            }
            DeletionRequest.Thresholds t = s.thresholds();
            if (t == null || t.maxForgetProbability() == null || t.maxForgetRouge() == null || t.miaAucBand() == null
                    || t.maxExtractionRate() == null || t.maxUtilityDrop() == null) {
                problems.add(k + ".thresholds: give all five (max_forget_probability, max_forget_rouge, mia_auc_band,"
                        + " max_extraction_rate, max_utility_drop)");
            } else {
                DeletionRequest probe = new DeletionRequest("probe", "probe",
                        new DeletionRequest.Selectors(List.of("x"), null, null, null), null, null, null, null, null, t);
                for (String p : probe.problems()) {
                    problems.add(k + "." + p);
                }
            }
            if (problems.isEmpty()) {
                set.byName.put(e.getKey(), new RequestPolicy(e.getKey(), s.method(),
                        s.config() == null ? Map.of() : s.config(), train, t, s.verifyEvery() == null ? 0 : s.verifyEvery()));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException("policy file " + file + ": " + String.join("; ", problems));
        }
        return set;
    }

    /** The file bound to {@code type}; errors name the file and, for a bad key or value, its path and line. */
    private static <T> T read(Path file, byte[] text, Class<T> type) {
        try {
            return YAML.readValue(text, type);
        } catch (JsonMappingException ex) {
            if (ex.getCause() instanceof StreamReadException p) {
                throw new InvalidInputException("policy file " + file + " is not valid YAML: "
                        + ParseErrors.describe(p), ex);
            }
            throw new InvalidInputException("policy file " + file + ": " + RecipeLoader.describe(ex), ex);
        } catch (JsonProcessingException ex) {
            throw new InvalidInputException("policy file " + file + " is not valid YAML: "
                    + ParseErrors.describe(ex), ex);
        } catch (IOException ex) {
            throw new InvalidInputException("cannot read policy file " + file + ": " + ex.getMessage(), ex);
        }
    }

    public Set<String> names() {
        return new LinkedHashSet<>(byName.keySet());
    }

    /** The policy of that name ({@code standard} when null); an unknown name is an input error. */
    public RequestPolicy named(String name) {
        String n = name == null ? "standard" : name;
        RequestPolicy p = byName.get(n);
        if (p == null) {
            throw new InvalidInputException("policy: unknown '" + dev.unlearn.cli.Texts.printable(n) + "'; valid: "
                    + byName.keySet());
        }
        return p;
    }

    /**
     * The thresholds a request is verified against: the policy's, tightened by the request's own.
     * A request threshold looser than the policy's floor is refused (exit 2), naming the key.
     */
    public static DeletionRequest.Thresholds effective(RequestPolicy policy, DeletionRequest.Thresholds requested) {
        DeletionRequest.Thresholds floor = policy.thresholds();
        if (requested == null) {
            return floor;
        }
        List<String> weaker = new ArrayList<>();
        looser(weaker, "max_forget_probability", requested.maxForgetProbability(), floor.maxForgetProbability());
        looser(weaker, "max_forget_rouge", requested.maxForgetRouge(), floor.maxForgetRouge());
        looser(weaker, "mia_auc_band", requested.miaAucBand(), floor.miaAucBand());
        looser(weaker, "max_extraction_rate", requested.maxExtractionRate(), floor.maxExtractionRate());
        looser(weaker, "max_utility_drop", requested.maxUtilityDrop(), floor.maxUtilityDrop());
        if (!weaker.isEmpty()) {
            throw new InvalidInputException("a request may only tighten its policy's thresholds, not weaken them: "
                    + String.join("; ", weaker) + " (policy '" + policy.name() + "')");
        }
        return requested.orElse(floor);
    }

    private static void looser(List<String> out, String key, Double req, Double floor) {
        if (req != null && floor != null && req > floor) {
            out.add("thresholds." + key + " " + req + " is looser than the policy's " + floor);
        }
    }
}

package dev.unlearn.cli.requests;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unlearn.cli.Texts;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.io.ParseErrors;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A person's deletion request as a JSON document: who is to be forgotten, how to find their records
 * in the training data, how to unlearn them, and the thresholds the result must meet.
 *
 * <pre>{@code
 * {
 *   "request_id": "DR-2026-0042",
 *   "subject": "Jaime Vasquez",
 *   "selectors": {"entities": ["Jaime Vasquez"], "record_ids": [], "exact_strings": [], "regexes": []},
 *   "policy": "standard",
 *   "thresholds": {"max_forget_probability": 0.2, "mia_auc_band": 0.2, "max_utility_drop": 0.25}
 * }
 * }</pre>
 *
 * @param requestId unique id; resubmitting it reports the earlier result instead of unlearning twice
 * @param subject the person or identifier (kept out of the audit log; only its digest is logged)
 * @param selectors how records are matched (any selector matching a record selects it)
 * @param model optional model directory; the CLI's {@code --model} takes precedence
 * @param policy a named policy ({@link PolicySet}: built-in or from the deployment's policy file);
 *     null means {@code standard}
 * @param method refused: a request may only name a policy (kept so the error can say so)
 * @param config refused, as {@code method}
 * @param train refused, as {@code method}
 * @param thresholds optional, and only tighter than the policy's floors; absent ones take the policy's
 */
public record DeletionRequest(
        @JsonProperty("request_id") String requestId,
        String subject,
        Selectors selectors,
        String model,
        String policy,
        String method,
        Map<String, Object> config,
        TrainSettings train,
        Thresholds thresholds) {

    /** Record selectors; a record is selected when any one matches. */
    public record Selectors(
            @JsonProperty("record_ids") List<String> recordIds,
            @JsonProperty("exact_strings") List<String> exactStrings,
            List<String> regexes,
            List<String> entities) {
        public static Selectors none() {
            return new Selectors(List.of(), List.of(), List.of(), List.of());
        }

        public List<String> recordIdsOrEmpty() {
            return recordIds == null ? List.of() : recordIds;
        }

        public List<String> exactStringsOrEmpty() {
            return exactStrings == null ? List.of() : exactStrings;
        }

        public List<String> regexesOrEmpty() {
            return regexes == null ? List.of() : regexes;
        }

        public List<String> entitiesOrEmpty() {
            return entities == null ? List.of() : entities;
        }
    }

    /**
     * Acceptance thresholds. Probabilities are TOFU's length-normalised answer probability
     * {@code exp(-meanNll)}; ROUGE is ROUGE-L recall of greedy answers; the MIA band is the largest
     * allowed {@code |AUC - 0.5|} of the LOSS attack, forget set vs held-out records; the extraction
     * rate is the share of forget prompts (and paraphrases) whose greedy answer contains a subject fact;
     * the utility drop is the relative rise allowed... see {@link RequestVerifier} for each figure.
     */
    public record Thresholds(
            @JsonProperty("max_forget_probability") Double maxForgetProbability,
            @JsonProperty("max_forget_rouge") Double maxForgetRouge,
            @JsonProperty("mia_auc_band") Double miaAucBand,
            @JsonProperty("max_extraction_rate") Double maxExtractionRate,
            @JsonProperty("max_utility_drop") Double maxUtilityDrop) {

        /** This set of thresholds with missing values taken from {@code d}. */
        public Thresholds orElse(Thresholds d) {
            return new Thresholds(
                    maxForgetProbability != null ? maxForgetProbability : d.maxForgetProbability,
                    maxForgetRouge != null ? maxForgetRouge : d.maxForgetRouge,
                    miaAucBand != null ? miaAucBand : d.miaAucBand,
                    maxExtractionRate != null ? maxExtractionRate : d.maxExtractionRate,
                    maxUtilityDrop != null ? maxUtilityDrop : d.maxUtilityDrop);
        }
    }

    /**
     * As strict as a policy file: a key given twice, content after the object and a number or boolean written as
     * a string are refused, since a request is the record of what a person asked for and must read one way.
     * So is the converse, a number or boolean where a string belongs ({@code "request_id": 5},
     * {@code "entities": [true]}): JSON has both, and the audit log would record a text the request did not hold.
     */
    private static final ObjectMapper JSON = textOnly(PolicySet.strict(new ObjectMapper()));

    private static ObjectMapper textOnly(ObjectMapper m) {
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
            CoercionInputShape.Boolean}) {
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return m;
    }

    /** Reads and validates a request file against the built-in policies; errors name the file and the key. */
    public static DeletionRequest read(Path file) {
        return read(file, new java.util.LinkedHashSet<>(RequestPolicy.NAMES));
    }

    /** Reads and validates a request file; {@code policies} are the names the deployment offers. */
    public static DeletionRequest read(Path file, java.util.Set<String> policies) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("deletion request " + file + " does not exist");
        }
        DeletionRequest r;
        try {
            r = JSON.readValue(file.toFile(), DeletionRequest.class);
        } catch (JsonMappingException ex) {
            if (ex.getCause() instanceof StreamReadException p) {
                throw new InvalidInputException("deletion request " + file + " is not valid JSON: "
                        + ParseErrors.describe(p), ex);
            }
            throw new InvalidInputException("deletion request " + file + ": " + RecipeLoader.describe(ex), ex);
        } catch (JsonProcessingException ex) {
            throw new InvalidInputException("deletion request " + file + " is not valid JSON: "
                    + ParseErrors.describe(ex), ex);
        } catch (IOException ex) {
            throw new InvalidInputException("cannot read deletion request " + file + ": " + ex.getMessage(), ex);
        }
        List<String> problems = r == null ? List.of("the document is empty") : r.problems(policies);
        if (!problems.isEmpty()) {
            throw new InvalidInputException("deletion request " + file + ": " + String.join("; ", problems));
        }
        return r;
    }

    /** Validation problems against the built-in policies. */
    public List<String> problems() {
        return problems(new java.util.LinkedHashSet<>(RequestPolicy.NAMES));
    }

    /** Validation problems, each naming its key; empty when the request is well-formed. */
    public List<String> problems(java.util.Set<String> policies) {
        List<String> p = new ArrayList<>();
        if (requestId == null || requestId.isBlank()) {
            p.add("request_id: required");
        } else if (!isSafeId(requestId)) {
            p.add("request_id: " + Texts.PATH_SEGMENT_RULE + " (it names folders), found '" + Texts.printable(requestId) + "'");
        }
        for (String[] k : new String[][] {{"method", method}, {"config", config == null ? null : "set"},
            {"train", train == null ? null : "set"}}) {
            if (k[1] != null) {
                p.add(k[0] + ": a request may only name a policy; the method, its config and the training settings come"
                        + " from the deployment's policies (built-in, or --policies FILE)");
            }
        }
        if (subject == null || subject.isBlank()) {
            p.add("subject: required");
        }
        Selectors s = selectors == null ? Selectors.none() : selectors;
        Map<String, List<String>> lists = new java.util.LinkedHashMap<>();
        lists.put("record_ids", s.recordIdsOrEmpty());
        lists.put("exact_strings", s.exactStringsOrEmpty());
        lists.put("regexes", s.regexesOrEmpty());
        lists.put("entities", s.entitiesOrEmpty());
        if (lists.values().stream().allMatch(List::isEmpty)) {
            p.add("selectors: give at least one of record_ids, exact_strings, regexes, entities");
        }
        for (Map.Entry<String, List<String>> l : lists.entrySet()) {
            for (int i = 0; i < l.getValue().size(); i++) {
                String v = l.getValue().get(i);
                if (v == null || v.isBlank()) { // an empty string or pattern would select every record
                    p.add("selectors." + l.getKey() + "[" + i + "]: expected a non-empty string, found "
                            + (v == null ? "null" : "'" + v + "'"));
                }
            }
        }
        for (int i = 0; i < s.regexesOrEmpty().size(); i++) {
            try {
                if (s.regexesOrEmpty().get(i) != null) {
                    Pattern.compile(s.regexesOrEmpty().get(i));
                }
            } catch (PatternSyntaxException ex) {
                p.add("selectors.regexes[" + i + "]: invalid regular expression: " + ex.getDescription());
            }
        }
        if (policy != null && !policies.contains(policy)) {
            p.add("policy: unknown '" + Texts.printable(policy) + "'; valid: " + policies);
        }
        if (thresholds != null) {
            unit(p, "thresholds.max_forget_probability", thresholds.maxForgetProbability());
            unit(p, "thresholds.max_forget_rouge", thresholds.maxForgetRouge());
            if (thresholds.miaAucBand() != null && (thresholds.miaAucBand() < 0 || thresholds.miaAucBand() > 0.5)) {
                p.add("thresholds.mia_auc_band: must lie in [0, 0.5], found " + thresholds.miaAucBand());
            }
            unit(p, "thresholds.max_extraction_rate", thresholds.maxExtractionRate());
            if (thresholds.maxUtilityDrop() != null && thresholds.maxUtilityDrop() < 0) {
                p.add("thresholds.max_utility_drop: must be >= 0, found " + thresholds.maxUtilityDrop());
            }
        }
        return p;
    }

    /** A request id that is one safe path segment: not '.', '..', hidden, a flag or anything with a separator. */
    public static boolean isSafeId(String id) {
        return Texts.isPathSegment(id);
    }

    private static void unit(List<String> p, String key, Double v) {
        if (v != null && (v < 0 || v > 1)) {
            p.add(key + ": must lie in [0, 1], found " + v);
        }
    }
}

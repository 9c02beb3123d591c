package dev.unlearn.eval.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.MetricResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The headline numbers a pipeline reads from one evaluation ({@code summary.json}): one value per
 * {@link Headline} the evaluated suites' metrics declare (in {@link Headline#rank} order; NaN where
 * the metric did not run: its suite was not selected, or it needs a retain model that was not given),
 * then {@value #GENERATION_FILTERED} (1 when logits processors shaped the generations, else 0), then
 * any values a pipeline step adds ({@link #with}, e.g. the leakage suite's).
 *
 * <p>Serialised in one step: the record is its JSON object ({@link #json}; NaN and infinities as
 * {@code null}), written atomically by {@link #write} and read back by {@link #read}.
 *
 * @param values field → value, in order
 */
public record EvaluationSummary(Map<String, Double> values) {
    /** Field: whether logits processors shaped the generations (ROUGE, refusal); likelihood numbers see the unfiltered model. */
    public static final String GENERATION_FILTERED = "generation_filtered";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public EvaluationSummary {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Reads the summary out of metric results: one field per headline (missing values become NaN). */
    public static EvaluationSummary from(Map<String, MetricResult> results, List<Headline> headlines, boolean generationFiltered) {
        Map<String, Double> v = new LinkedHashMap<>();
        for (Headline h : headlines) {
            v.put(h.field(), h.valueIn(results));
        }
        v.put(GENERATION_FILTERED, generationFiltered ? 1.0 : 0.0);
        return new EvaluationSummary(v);
    }

    /** The JSON form: the values, with NaN and infinities as null. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static EvaluationSummary fromJson(Map<String, Double> json) {
        Map<String, Double> v = new LinkedHashMap<>();
        json.forEach((k, x) -> v.put(k, x == null ? Double.NaN : x));
        return new EvaluationSummary(v);
    }

    /** The JSON form: the values, with NaN and infinities as null. */
    @JsonValue
    public Map<String, Double> json() {
        Map<String, Double> m = new LinkedHashMap<>();
        values.forEach((k, x) -> m.put(k, x == null || !Double.isFinite(x) ? null : x));
        return m;
    }

    /** One value; NaN when the field is absent or null. */
    public double value(String field) {
        Double v = values.get(field);
        return v == null ? Double.NaN : v;
    }

    /** Whether the field is present (possibly NaN). */
    public boolean has(String field) {
        return values.containsKey(field);
    }

    /** Whether logits processors shaped the generations. */
    public boolean generationFiltered() {
        return value(GENERATION_FILTERED) == 1.0;
    }

    /** This summary plus (or with replaced) values; a null or non-numeric value becomes NaN. */
    public EvaluationSummary with(Map<String, ?> more) {
        Map<String, Double> v = new LinkedHashMap<>(values);
        more.forEach((k, x) -> v.put(k, x instanceof Number n ? n.doubleValue() : Double.NaN));
        return new EvaluationSummary(v);
    }

    /** The values under their snake-case names, in order. */
    public Map<String, Double> toMap() {
        return values;
    }

    /** Writes {@code summary.json} atomically (a temporary file in the same folder, then a rename). */
    public Path write(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp");
            try {
                Files.writeString(tmp, JSON.writeValueAsString(this) + "\n");
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return file;
        } catch (IOException e) {
            throw new InvalidInputException("cannot write the evaluation summary " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a {@code summary.json}. */
    public static EvaluationSummary read(Path file) {
        try {
            return JSON.readValue(file.toFile(), EvaluationSummary.class);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read the evaluation summary " + file + ": " + e.getMessage(), e);
        }
    }
}

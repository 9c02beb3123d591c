package dev.unlearn.methods.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@link MethodRunner} run did, written by the CLI as {@code summary.json} (snake_case keys,
 * in component order, NaN as {@code null}), serialised once from this record.
 * Mean NLLs are the mean over samples of each sample's mean answer-token NLL (nats/token), scored with
 * core's {@code Scorer} on the tokenized forget and retain sets before and after the run.
 *
 * @param method registry name
 * @param config the bound config with every default filled in (snake_case keys)
 * @param kind {@code LOSS_BASED}, {@code DIRECT_EDIT} or {@code GENERATION_TIME}
 * @param steps optimizer steps run (0 for a direct edit or decoding filters)
 * @param skippedSteps steps skipped by the loop for a NaN/Inf loss or gradient
 * @param trainableTensors parameter tensors the optimizer updated (direct edit: tensors examined)
 * @param wallSeconds wall time of the method itself (scoring excluded)
 * @param forgetNllBefore forget-set mean answer NLL before
 * @param forgetNllAfter forget-set mean answer NLL after
 * @param retainNllBefore retain-set mean answer NLL before (NaN without a retain set)
 * @param retainNllAfter retain-set mean answer NLL after (NaN without a retain set)
 * @param lastLoss loss of the last step (NaN without training)
 * @param ssdTensors direct edit's per-tensor report (SSD's counts; empty for other kinds)
 * @param ssdChanged direct edit: total elements changed (0 otherwise)
 * @param skippedSamples ids of records left out because no answer token survived tokenization
 * @param pdFallbacks decoupled prompts only: forget samples whose decoupled sample is not an entity substitution
 * @param train the training settings the run applied ({@code TrainSettings.toMap()}: every key, the
 *     attention masking included) and its {@code seed}
 * @param filter decoding filters only: what the filter build reports (absent from the JSON when empty)
 * @param adapter adapter mode only: the LoRA adapters trained (rank, alpha, dropout, scale, rslora,
 *     target_modules, adapted_weights, adapter_parameters); absent from the JSON otherwise
 * @param reference where the reference model π_ref came from when the run used one: {@code adapter_disabled_base}
 *     (adapter mode: the frozen base without adapters, no copy), {@code model_copy} (a copy of the model),
 *     {@code cached_reference} (full mode: π_ref's outputs computed once per example from the model before its
 *     first update and read back from files, no copy) or {@code model_before_update} (only what ran before the
 *     first update, such as PD's generated answers, used π_ref, and it was the model itself); absent when no
 *     reference was used
 * @param referenceCache full mode with a reference cache folder and a method whose reference uses can be cached:
 *     {@code used} (whether the cache served π_ref), {@code uses} (the outputs, e.g. {@code retain/logits}),
 *     {@code limit_bytes}, and either {@code dir}, {@code entries} (files), {@code bytes} and {@code fill_seconds},
 *     or the {@code projected_bytes} that exceeded the limit, or the {@code reason} it was not considered (a
 *     half-precision model); absent otherwise
 */
@JsonPropertyOrder({"method", "config", "kind", "steps", "skipped_steps", "trainable_tensors", "wall_seconds",
        "forget_nll_before", "forget_nll_after", "retain_nll_before", "retain_nll_after", "last_loss", "ssd_tensors",
        "ssd_changed", "skipped_samples", "pd_fallbacks", "train", "filter", "adapter", "reference",
        "reference_cache"})
public record RunSummary(String method, Map<String, Object> config, String kind, long steps, int skippedSteps,
        int trainableTensors, @JsonSerialize(using = Finite.class) double wallSeconds,
        @JsonSerialize(using = Finite.class) double forgetNllBefore,
        @JsonSerialize(using = Finite.class) double forgetNllAfter,
        @JsonSerialize(using = Finite.class) double retainNllBefore,
        @JsonSerialize(using = Finite.class) double retainNllAfter,
        @JsonSerialize(using = Finite.class) double lastLoss, Map<String, ?> ssdTensors, long ssdChanged,
        List<String> skippedSamples, int pdFallbacks, Map<String, Object> train,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, ?> filter,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> adapter,
        @JsonInclude(JsonInclude.Include.NON_NULL) String reference,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> referenceCache) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public RunSummary {
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        ssdTensors = Collections.unmodifiableMap(new LinkedHashMap<>(ssdTensors));
        skippedSamples = List.copyOf(skippedSamples);
        train = Collections.unmodifiableMap(new LinkedHashMap<>(train));
        filter = filter == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(filter));
        adapter = adapter == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(adapter));
        referenceCache = referenceCache == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(referenceCache));
    }

    /**
     * This summary with the reference cache's {@code dir} set to {@code dir}: for a caller that moves the
     * cache folder after the run (the CLI's {@code forget} moves it into the saved checkpoint folder).
     */
    public RunSummary withReferenceCacheDir(java.nio.file.Path dir) {
        if (!referenceCache.containsKey("dir")) {
            return this;
        }
        Map<String, Object> c = new LinkedHashMap<>(referenceCache);
        c.put("dir", dir.toString());
        return new RunSummary(method, config, kind, steps, skippedSteps, trainableTensors, wallSeconds, forgetNllBefore,
                forgetNllAfter, retainNllBefore, retainNllAfter, lastLoss, ssdTensors, ssdChanged, skippedSamples,
                pdFallbacks, train, filter, adapter, reference, c);
    }

    /** Pretty JSON with snake_case keys; NaN written as {@code null}. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("summary is not serialisable", ex);
        }
    }

    /** The JSON object as a map (for a stage summary that embeds it); same keys and values as {@link #toJson()}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toMap() {
        return JSON.convertValue(this, LinkedHashMap.class);
    }

    /** A double as a JSON number, or {@code null} when NaN or infinite. */
    static final class Finite extends JsonSerializer<Double> {
        @Override
        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
            if (v == null || !Double.isFinite(v)) {
                g.writeNull();
            } else {
                g.writeNumber(v);
            }
        }
    }
}

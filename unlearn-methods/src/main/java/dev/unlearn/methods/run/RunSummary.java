package dev.unlearn.methods.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.unlearn.methods.ssd.SelectiveDampening;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@link MethodRunner} run did, written by the CLI as {@code summary.json} (snake_case keys).
 * Mean NLLs are the mean over samples of each sample's mean answer-token NLL (nats/token), scored with
 * core's {@code Scorer} on the tokenized forget and retain sets before and after the run.
 *
 * @param method registry name
 * @param config the bound config with every default filled in (snake_case keys)
 * @param kind {@code LOSS_BASED} or {@code DIRECT_EDIT}
 * @param steps optimizer steps run (0 for SSD)
 * @param skippedSteps steps skipped by the loop for a NaN/Inf loss or gradient
 * @param trainableTensors parameter tensors the optimizer updated (SSD: tensors examined)
 * @param wallSeconds wall time of the method itself (scoring excluded)
 * @param forgetNllBefore forget-set mean answer NLL before
 * @param forgetNllAfter forget-set mean answer NLL after
 * @param retainNllBefore retain-set mean answer NLL before (NaN without a retain set)
 * @param retainNllAfter retain-set mean answer NLL after (NaN without a retain set)
 * @param lastLoss loss of the last step (NaN for SSD)
 * @param ssdTensors SSD per-tensor counts (empty for other methods)
 * @param skippedSamples ids of records left out because no answer token survived tokenization
 * @param pdFallbacks PD only: forget samples whose decoupled sample is not an entity substitution
 * @param train the training settings the run applied ({@code TrainSettings.toMap()}: every key, the
 *     attention masking included) and its {@code seed}
 */
public record RunSummary(String method, Map<String, Object> config, String kind, long steps, int skippedSteps,
        int trainableTensors, double wallSeconds, double forgetNllBefore, double forgetNllAfter, double retainNllBefore,
        double retainNllAfter, double lastLoss, Map<String, SelectiveDampening.TensorReport> ssdTensors,
        List<String> skippedSamples, int pdFallbacks, Map<String, Object> train) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public RunSummary {
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        ssdTensors = Collections.unmodifiableMap(new LinkedHashMap<>(ssdTensors));
        skippedSamples = List.copyOf(skippedSamples);
        train = Collections.unmodifiableMap(new LinkedHashMap<>(train));
    }

    /** Total SSD elements changed. */
    public long ssdChanged() {
        return ssdTensors.values().stream().mapToLong(SelectiveDampening.TensorReport::changed).sum();
    }

    /** Pretty JSON with snake_case keys; NaN written as {@code null}. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(JSON.readTree(JSON.writeValueAsString(nanToNull())));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("summary is not serialisable", ex);
        }
    }

    private Map<String, Object> nanToNull() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("config", config);
        m.put("kind", kind);
        m.put("steps", steps);
        m.put("skipped_steps", skippedSteps);
        m.put("trainable_tensors", trainableTensors);
        m.put("wall_seconds", finite(wallSeconds));
        m.put("forget_nll_before", finite(forgetNllBefore));
        m.put("forget_nll_after", finite(forgetNllAfter));
        m.put("retain_nll_before", finite(retainNllBefore));
        m.put("retain_nll_after", finite(retainNllAfter));
        m.put("last_loss", finite(lastLoss));
        m.put("ssd_tensors", ssdTensors);
        m.put("ssd_changed", ssdChanged());
        m.put("skipped_samples", skippedSamples);
        m.put("pd_fallbacks", pdFallbacks);
        m.put("train", train);
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}

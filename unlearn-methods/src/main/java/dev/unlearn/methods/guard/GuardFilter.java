package dev.unlearn.methods.guard;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaWriter;
import dev.unlearn.core.io.ParseErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * GUARD's filter file: everything the online part needs, next to the unchanged model (methods.md §9.2
 * "Offline"). JSON, snake_case keys, {@code format = "unlearn-guard-filter"}, {@code version = 1}. It holds
 * forbidden token sequences, detector parameters and embeddings, never the raw questions or answers.
 *
 * @param format always {@link #FORMAT}
 * @param version always {@link #VERSION}
 * @param model shape of the model the filter was built on (checked when applied)
 * @param template name of the prompt template the detector saw at build time
 * @param config the {@code guard} config it was built with
 * @param detector detector parameters and held-out figures
 * @param semanticThreshold calibrated δ (methods.md §9.2: 99th percentile, not below the configured δ)
 * @param continuationTokenIds tokens that do not open a new word (empty for a word-level tokenizer)
 * @param refusalIds token ids of the fallback refusal template
 * @param samples one entry per forget sample
 */
public record GuardFilter(String format, int version, ModelShape model, String template, GuardConfig config,
        Detector detector, double semanticThreshold, long[] continuationTokenIds, long[] refusalIds,
        List<Sample> samples) {
    public static final String FORMAT = "unlearn-guard-filter";
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .configure(SerializationFeature.INDENT_OUTPUT, false);

    /**
     * @param hiddenSize d
     * @param vocabSize V
     * @param numHiddenLayers L
     * @param weightsDigest SHA-256 of the weights file, or null when unknown
     */
    public record ModelShape(int hiddenSize, int vocabSize, int numHiddenLayers, String weightsDigest) {}

    /**
     * @param kind {@code mlp} or {@code logistic}
     * @param layer hidden-state index pooled for the features
     * @param threshold τ_d: detected when the score exceeds it
     * @param featureMean standardisation mean
     * @param featureStd standardisation standard deviation
     * @param layers dense layers ({@code weight} [out][in], {@code bias})
     * @param heldOut figures on the held-out part of the training prompts
     */
    public record Detector(String kind, int layer, double threshold, float[] featureMean, float[] featureStd,
            List<PromptDetector.Dense> layers, HeldOut heldOut) {
        /** The classifier. */
        public PromptDetector classifier() {
            return new PromptDetector(kind, featureMean, featureStd, layers);
        }
    }

    /**
     * @param positives held-out forget prompts
     * @param negatives held-out other prompts
     * @param accuracy at τ_d
     * @param falsePositiveRate negatives detected
     * @param falseNegativeRate positives missed
     */
    public record HeldOut(int positives, int negatives, double accuracy, double falsePositiveRate,
            double falseNegativeRate) {}

    /**
     * @param id the forget record's id
     * @param questionEmbedding mean-pooled states of the templated question
     * @param answerEmbedding mean-pooled states of the answer
     * @param forbiddenSequences token sequences of every phrase variant
     * @param forbiddenWords token sequences of the single-word phrases (semantic matching)
     */
    public record Sample(String id, float[] questionEmbedding, float[] answerEmbedding, List<long[]> forbiddenSequences,
            List<long[]> forbiddenWords) {}

    public GuardFilter {
        if (!FORMAT.equals(format) || version != VERSION) {
            throw new InvalidInputException("not a GUARD filter file (format '" + format + "' version " + version
                    + "; expected '" + FORMAT + "' version " + VERSION + "): build one with 'unlearn guard build'");
        }
        if (samples == null || samples.isEmpty()) {
            throw new InvalidInputException("the GUARD filter has no forget samples");
        }
        samples = List.copyOf(samples);
    }

    /** Writes the filter as JSON through a temporary sibling file and an atomic rename. */
    public void write(Path file) {
        try {
            QaWriter.writeAtomically(file, JSON.writeValueAsString(this));
        } catch (IOException e) {
            throw new InvalidInputException("cannot write GUARD filter " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code file} is a filter file ({@code "format": "unlearn-guard-filter"}), of any version. */
    public static boolean isFilterFile(Path file) {
        try {
            return FORMAT.equals(JSON.readTree(file.toFile()).path("format").asText(null));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Reads a filter written by {@link #write}. */
    public static GuardFilter read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("no GUARD filter file at " + file);
        }
        try {
            return JSON.readValue(file.toFile(), GuardFilter.class);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read GUARD filter " + file + ": " + ParseErrors.describe(e), e);
        }
    }
}

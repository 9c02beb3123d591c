package dev.unlearn.cli;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.Methods;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The training options of {@code finetune} and {@code forget} (a picocli mixin; {@code worst-case}
 * takes its {@link Step} part): one option per
 * {@link TrainSettings} key ({@code grad_accum} is {@code --grad-accum}; {@code grad_checkpointing} is the
 * flag {@code --grad-checkpointing}), defaults from
 * {@link TrainSettings#DEFAULTS} (shown in {@code --help} through {@link Defaults}), so the commands,
 * recipes and requests agree. An option left out keeps the default.
 */
public class TrainingOptions {
    /** The options every training run takes, the worst-case search's sign-SGD included. */
    @Mixin
    public Step step = new Step();

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (ignored when --max-steps > 0). Default: ${DEFAULT-VALUE}.")
    String epochs;

    @Option(names = "--max-steps", paramLabel = "N", description = "Optimizer steps; 0 = as many as the epochs need. Default: ${DEFAULT-VALUE}.")
    String maxSteps;

    @Option(names = "--grad-accum", paramLabel = "K", description = "Micro-batches per optimizer step (effective batch = batch size x K). Default: ${DEFAULT-VALUE}.")
    String gradAccum;

    @Option(names = "--max-batch-tokens", paramLabel = "TOKENS", description = "Token budget per micro-batch: at most this many padded tokens (rows x longest row) besides --batch-size rows; a longer row goes alone; 0 = off. Default: ${DEFAULT-VALUE}.")
    String maxBatchTokens;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "AdamW decoupled weight decay. Default: ${DEFAULT-VALUE}.")
    String weightDecay;

    @Option(names = "--warmup-steps", paramLabel = "N", description = "Linear warm-up steps. Default: ${DEFAULT-VALUE}.")
    String warmupSteps;

    @Option(names = "--schedule", paramLabel = "NAME", description = "constant, linear or cosine (after warm-up). Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--max-grad-norm", paramLabel = "NORM", description = "Clip the global gradient norm to this; 0 = off. Default: ${DEFAULT-VALUE}.")
    String maxGradNorm;

    @Option(names = "--grad-checkpointing", description = "Recompute each decoder layer during backward instead of keeping its activations (less memory, about one extra forward per step). Default: ${DEFAULT-VALUE}.")
    Boolean gradCheckpointing;

    /**
     * The training options that every trainer applies: learning rate, batch size, token cut-off and
     * attention mask (a picocli mixin of its own; {@code worst-case}, whose lower level is plain
     * sign-SGD without schedule or accumulation, takes only these).
     */
    public static class Step {
        @Option(names = "--lr", paramLabel = "RATE",
                description = "Learning rate: AdamW's peak rate (finetune, forget) or the sign-SGD step (worst-case); tiny CPU models need ~1e-3. Default: ${DEFAULT-VALUE}.")
        String lr;

        @Option(names = "--batch-size", paramLabel = "N", description = "Samples per micro-batch (forget and retain each). Default: ${DEFAULT-VALUE}.")
        String batchSize;

        @Option(names = "--max-length", paramLabel = "TOKENS", description = "Token cut-off per sample (prompt + answer). Default: ${DEFAULT-VALUE}.")
        String maxLength;

        @Mixin
        AttentionMaskOption attentionMask = new AttentionMaskOption();

        @Spec
        CommandSpec spec;

        /** The given options, by settings key; options left out are absent. */
        public Map<String, Object> given() {
            return OptionKeys.values(spec);
        }

        /** The defaults with the given options applied; a bad value names its option. */
        public TrainSettings settings() {
            return TrainingOptions.settings(given());
        }
    }

    @Spec
    CommandSpec spec;

    /** The given options (the {@link Step} ones included), by settings key; options left out are absent. */
    public Map<String, Object> given() {
        return OptionKeys.values(spec);
    }

    /** The defaults with the given options applied; a bad value names its option. */
    public TrainSettings settings() {
        return settings(given());
    }

    private static TrainSettings settings(Map<String, Object> given) {
        try {
            return TrainSettings.DEFAULTS.with(given);
        } catch (TrainSettings.BadKey ex) {
            throw new InvalidInputException(option(ex.key()) + ": " + ex.getMessage());
        }
    }

    /** {@code grad_accum} to {@code --grad-accum}. */
    public static String option(String key) {
        return OptionKeys.option(key);
    }

    /**
     * Keys that a method without a training loop uses (a direct edit such as SSD, or decoding filters
     * such as GUARD: tokenization of the forget and retain sets); it would ignore every other key.
     */
    public static final Set<String> DIRECT_EDIT_KEYS = Set.of("max_length", "attention_mask");

    /**
     * The keys of {@code s} that {@code method} would not apply: for a method that does not train every key but
     * {@link #DIRECT_EDIT_KEYS} that differs from its default. Loss-based methods apply them all. An
     * unknown method gives none (its name is reported elsewhere).
     */
    public static List<String> unused(String method, TrainSettings s) {
        List<String> out = new ArrayList<>();
        MethodKind kind;
        try {
            kind = Methods.byName(method).kind();
        } catch (RuntimeException ex) {
            return out;
        }
        if (kind == MethodKind.LOSS_BASED) {
            return out;
        }
        Map<String, Object> given = s.toMap();
        Map<String, Object> dflt = TrainSettings.DEFAULTS.toMap();
        for (String k : TrainSettings.KEYS) {
            if (!DIRECT_EDIT_KEYS.contains(k) && !given.get(k).equals(dflt.get(k))) {
                out.add(k);
            }
        }
        return out;
    }

    /** Why a method that does not train ignores training keys: "edits weights directly" or "works at decoding time". */
    public static String notTraining(String method) {
        return Methods.byName(method).kind() == MethodKind.DIRECT_EDIT ? "edits weights directly" : "works at decoding time";
    }

    /** A table value as a user writes it: {@code 0.00001}, {@code 0.01}, {@code 1.0}, {@code 8}, {@code linear}. */
    public static String show(Object v) {
        if (v instanceof Double d) {
            String plain = java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        return String.valueOf(v);
    }

    /** Shows {@link TrainSettings#DEFAULTS} as the options' defaults in {@code --help}. */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        private static final Map<String, Object> TABLE = TrainSettings.DEFAULTS.toMap();

        @Override
        public String defaultValue(ArgSpec arg) {
            if (arg instanceof OptionSpec o && o.longestName().startsWith("--")) {
                Object v = TABLE.get(OptionKeys.key(o));
                return v == null ? null : show(v);
            }
            return null;
        }
    }
}

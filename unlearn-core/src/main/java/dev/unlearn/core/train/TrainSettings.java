package dev.unlearn.core.train;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.AttentionMasking;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The training settings of the toolkit: the one type that {@code unlearn finetune}, {@code forget},
 * {@code run} (a recipe's {@code finetune} and {@code methods[*].train} sections) and {@code request}
 * (a policy's or request's {@code train}) read, with the one table of defaults, {@link #DEFAULTS}.
 * Every key is applied by the run that reads it; a key that is not one of {@link #KEYS} is rejected
 * when the recipe, request or option is read, naming it and the valid keys.
 *
 * <table>
 *   <caption>Keys and defaults (methods.md §1.4, OU TOFU, except where noted)</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>lr</td><td>1e-5</td><td>AdamW peak learning rate (tiny CPU models need about 1e-3)</td></tr>
 *   <tr><td>epochs</td><td>10</td><td>passes over the data (ignored when max_steps &gt; 0)</td></tr>
 *   <tr><td>max_steps</td><td>0</td><td>optimizer steps; 0 = as many as the epochs need</td></tr>
 *   <tr><td>batch_size</td><td>8</td><td>samples per micro-batch (forget and retain samples each, when paired)</td></tr>
 *   <tr><td>grad_accum</td><td>1</td><td>micro-batches per optimizer step (effective batch = batch_size × grad_accum)</td></tr>
 *   <tr><td>weight_decay</td><td>0.01</td><td>decoupled (AdamW) weight decay; not on biases and norms</td></tr>
 *   <tr><td>warmup_steps</td><td>0</td><td>linear warm-up steps</td></tr>
 *   <tr><td>schedule</td><td>linear</td><td>after warm-up: constant, linear (decay to 0) or cosine</td></tr>
 *   <tr><td>max_grad_norm</td><td>1.0</td><td>clip the global gradient L2 norm to this; 0 = off</td></tr>
 *   <tr><td>max_length</td><td>512</td><td>tokenization cut-off, prompt plus answer tokens</td></tr>
 *   <tr><td>attention_mask</td><td>length</td><td>length, or pad_token to hide every pad-id token like
 *       the reference collators ({@link AttentionMasking}; not in §1.4, the toolkit's choice)</td></tr>
 *   <tr><td>max_batch_tokens</td><td>0</td><td>token budget per micro-batch: at most this many padded tokens
 *       (rows × longest row) besides at most batch_size rows; 0 = off. Order is kept, only the cuts move; a
 *       row longer than the budget is a micro-batch by itself (see {@code Batches}). Paired forget and retain
 *       batches each stay within it. An optimizer step is still grad_accum micro-batches, each weighted
 *       equally, so it may see fewer than batch_size × grad_accum rows (not in §1.4, the toolkit's choice)</td></tr>
 *   <tr><td>grad_checkpointing</td><td>false</td><td>true: keep only each decoder layer's input in the forward
 *       pass and recompute the layer during backward ({@link dev.unlearn.core.model.LayerCheckpoints}): less
 *       activation memory for about one extra forward per step (not in §1.4, the toolkit's choice)</td></tr>
 * </table>
 *
 * <p>The seed is not a training key: it is the command's {@code --seed} or the recipe's top-level
 * {@code seed}, passed beside the settings.
 *
 * @param learningRate {@code lr}
 * @param epochs {@code epochs}
 * @param maxSteps {@code max_steps}
 * @param batchSize {@code batch_size}
 * @param gradAccum {@code grad_accum}
 * @param weightDecay {@code weight_decay}
 * @param warmupSteps {@code warmup_steps}
 * @param schedule {@code schedule}
 * @param maxGradNorm {@code max_grad_norm}
 * @param maxLength {@code max_length}
 * @param attentionMask {@code attention_mask}
 * @param maxBatchTokens {@code max_batch_tokens}
 * @param gradCheckpointing {@code grad_checkpointing}
 */
@JsonDeserialize(using = TrainSettings.FromJson.class)
public record TrainSettings(double learningRate, int epochs, long maxSteps, int batchSize, int gradAccum,
        double weightDecay, long warmupSteps, Schedule schedule, double maxGradNorm, int maxLength,
        AttentionMasking attentionMask, int maxBatchTokens, boolean gradCheckpointing) {

    /** Every key, in table order. */
    public static final List<String> KEYS = List.of("lr", "epochs", "max_steps", "batch_size", "grad_accum",
            "weight_decay", "warmup_steps", "schedule", "max_grad_norm", "max_length", "attention_mask",
            "max_batch_tokens", "grad_checkpointing");

    /** The one table of defaults (see the class comment). */
    public static final TrainSettings DEFAULTS = new TrainSettings(1e-5, 10, 0, 8, 1, 0.01, 0, Schedule.LINEAR, 1.0, 512,
            AttentionMasking.LENGTH, 0, false);

    /** A value out of range or of the wrong type; {@link #key()} names the key. */
    public static final class BadKey extends InvalidInputException {
        private final String key;

        BadKey(String key, String message) {
            super(message);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public TrainSettings {
        check(learningRate > 0 && Double.isFinite(learningRate), "lr", "a positive number", learningRate);
        check(epochs >= 1, "epochs", "at least 1", epochs);
        check(maxSteps >= 0, "max_steps", ">= 0 (0 = by epochs)", maxSteps);
        check(batchSize >= 1, "batch_size", "at least 1", batchSize);
        check(gradAccum >= 1, "grad_accum", "at least 1", gradAccum);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weight_decay", ">= 0", weightDecay);
        check(warmupSteps >= 0, "warmup_steps", ">= 0", warmupSteps);
        check(schedule != null, "schedule", "one of constant, linear, cosine", schedule);
        check(maxGradNorm >= 0 && Double.isFinite(maxGradNorm), "max_grad_norm", ">= 0 (0 = no clipping)", maxGradNorm);
        check(maxLength >= 2, "max_length", "at least 2 tokens", maxLength);
        check(attentionMask != null, "attention_mask", "length or pad_token", attentionMask);
        check(maxBatchTokens >= 0, "max_batch_tokens", ">= 0 (0 = off)", maxBatchTokens);
    }

    private static void check(boolean ok, String key, String expected, Object found) {
        if (!ok) {
            throw new BadKey(key, "training setting '" + key + "' must be " + expected + ", found " + found);
        }
    }

    /** The defaults with learning rate {@code lr}. */
    public static TrainSettings of(double lr) {
        return DEFAULTS.withLearningRate(lr);
    }

    /**
     * These settings with the given keys replaced; values are numbers (or numeric strings) and, for
     * {@code schedule} and {@code attention_mask}, names; for {@code grad_checkpointing}, a boolean or
     * {@code "true"}/{@code "false"}.
     *
     * @throws BadKey for an unknown key, a value of the wrong type or out of range
     */
    public TrainSettings with(Map<String, ?> keys) {
        Map<String, Object> m = toMap();
        for (Map.Entry<String, ?> e : keys.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw new BadKey(e.getKey(), "unknown training setting '" + e.getKey() + "'; valid: " + KEYS);
            }
            if (e.getValue() != null) {
                m.put(e.getKey(), e.getValue());
            }
        }
        return new TrainSettings(real(m, "lr"), intKey(m, "epochs"), integer(m, "max_steps"),
                intKey(m, "batch_size"), intKey(m, "grad_accum"), real(m, "weight_decay"),
                integer(m, "warmup_steps"), schedule(m.get("schedule")), real(m, "max_grad_norm"),
                intKey(m, "max_length"), masking(m.get("attention_mask")), intKey(m, "max_batch_tokens"),
                flag(m, "grad_checkpointing"));
    }

    /** Every key of {@link #KEYS} to its value, in table order ({@code schedule} and {@code attention_mask} as names). */
    @JsonValue
    public Map<String, Object> toMap() {
        List<Object> values = List.of(learningRate, epochs, maxSteps, batchSize, gradAccum, weightDecay, warmupSteps,
                schedule.name().toLowerCase(Locale.ROOT), maxGradNorm, maxLength, attentionMask.key(), maxBatchTokens,
                gradCheckpointing);
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < KEYS.size(); i++) {
            m.put(KEYS.get(i), values.get(i));
        }
        return m;
    }

    /**
     * The training loop's configuration for these settings and {@code seed}: learning rate, epochs,
     * max steps, weight decay, schedule, warm-up, clipping, accumulation and gradient checkpointing. The
     * caller applies the data-side keys ({@code batch_size}, {@code max_length}, {@code attention_mask},
     * {@code max_batch_tokens}) and may add checkpointing, logging and progress to the builder.
     */
    public TrainingConfig.Builder toConfig(long seed) {
        return TrainingConfig.builder().setLearningRate(learningRate).optEpochs(epochs).optMaxSteps(maxSteps)
                .optWeightDecay(weightDecay).optSchedule(schedule).optWarmupSteps(warmupSteps)
                .optMaxGradNorm(maxGradNorm).optGradientAccumulation(gradAccum).optSeed(seed)
                .optGradCheckpointing(gradCheckpointing);
    }

    public TrainSettings withLearningRate(double v) {
        return with(Map.of("lr", v));
    }

    public TrainSettings withEpochs(int v) {
        return with(Map.of("epochs", v));
    }

    public TrainSettings withMaxSteps(long v) {
        return with(Map.of("max_steps", v));
    }

    public TrainSettings withBatchSize(int v) {
        return with(Map.of("batch_size", v));
    }

    public TrainSettings withGradAccum(int v) {
        return with(Map.of("grad_accum", v));
    }

    public TrainSettings withWeightDecay(double v) {
        return with(Map.of("weight_decay", v));
    }

    public TrainSettings withSchedule(Schedule s, long warmup) {
        return with(Map.of("schedule", s.name(), "warmup_steps", warmup));
    }

    public TrainSettings withMaxGradNorm(double v) {
        return with(Map.of("max_grad_norm", v));
    }

    public TrainSettings withMaxLength(int v) {
        return with(Map.of("max_length", v));
    }

    public TrainSettings withAttentionMask(AttentionMasking v) {
        return with(Map.of("attention_mask", v.key()));
    }

    public TrainSettings withMaxBatchTokens(int v) {
        return with(Map.of("max_batch_tokens", v));
    }

    public TrainSettings withGradCheckpointing(boolean v) {
        return with(Map.of("grad_checkpointing", v));
    }

    private static boolean flag(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.trim().equalsIgnoreCase("true") || s.trim().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s.trim());
        }
        throw new BadKey(key, "training setting '" + key + "' must be true or false, found '" + v + "'");
    }

    private static double real(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException ex) {
                // fall through
            }
        }
        throw new BadKey(key, "training setting '" + key + "' must be a number, found '" + v + "'");
    }

    private static long integer(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b && b.bitLength() < 63) {
            return b.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException ex) {
                // fall through
            }
        }
        throw new BadKey(key, "training setting '" + key + "' must be an integer, found '" + v + "'");
    }

    /** An integer key that must fit an {@code int} (a larger value would wrap, so it is refused by name). */
    private static int intKey(Map<String, Object> m, String key) {
        long v = integer(m, key);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new BadKey(key, "training setting '" + key + "' must be a 32-bit integer (at most " + Integer.MAX_VALUE
                    + "), found " + v);
        }
        return (int) v;
    }

    private static Schedule schedule(Object v) {
        if (v instanceof Schedule s) {
            return s;
        }
        try {
            return Schedule.byName(String.valueOf(v));
        } catch (InvalidInputException ex) {
            throw new BadKey("schedule", "training setting 'schedule' must be constant, linear or cosine, found '" + v + "'");
        }
    }

    private static AttentionMasking masking(Object v) {
        if (v instanceof AttentionMasking a) {
            return a;
        }
        try {
            return AttentionMasking.byName(String.valueOf(v));
        } catch (InvalidInputException ex) {
            throw new BadKey("attention_mask", "training setting 'attention_mask' must be length or pad_token, found '"
                    + v + "'");
        }
    }

    /**
     * Binds a YAML/JSON mapping over {@link #DEFAULTS}. An unknown key is an
     * {@link UnrecognizedPropertyException} listing the valid ones, a bad value a mapping error; both
     * carry the key in their path ({@code methods[0].train.grad_accum}).
     */
    static final class FromJson extends StdDeserializer<TrainSettings> {
        FromJson() {
            super(TrainSettings.class);
        }

        @Override
        public TrainSettings deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return read(p, ctx, TrainSettings.class, Map.of());
        }
    }

    /** The keys whose values are names ({@code constant}, {@code pad_token}); in a file every other value is a number or boolean. */
    private static final Set<String> NAMED_KEYS = Set.of("schedule", "attention_mask");

    /** Whether a string spells a number or a boolean ({@code "1e-3"}, {@code "true"}). */
    private static boolean quotedLiteral(String s) {
        String t = s.trim();
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return true;
        }
        try {
            Double.parseDouble(t);
            return true;
        } catch (NumberFormatException ex) {
            return false;
        }
    }

    /** A key beside the training keys of a mapping, read by the mapping's owner (a recipe's {@code lora} block). */
    @FunctionalInterface
    public interface OtherKey {
        /** Reads the key's value; the parser stands on it. */
        void read(JsonParser p, DeserializationContext ctx) throws IOException;
    }

    /**
     * Reads a mapping of training keys over {@link #DEFAULTS}, handing each key of {@code others} to its
     * reader; a key that is neither is rejected naming every valid key, and errors carry {@code owner} and
     * the key in their path, located at the key. Unlike {@link #with}, which takes the strings of command
     * options, a quoted number or boolean ({@code lr: "1e-3"}) is refused, as every other number of a recipe is.
     */
    public static TrainSettings read(JsonParser p, DeserializationContext ctx, Class<?> owner,
            Map<String, OtherKey> others) throws IOException {
        List<String> valid = new ArrayList<>(KEYS);
        valid.addAll(others.keySet());
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            t = p.nextToken();
        }
        if (t != JsonToken.FIELD_NAME && t != JsonToken.END_OBJECT) {
            throw JsonMappingException.from(p, "expected a mapping of training settings (" + valid + "), found "
                    + ctx.readTree(p).getNodeType().name().toLowerCase(Locale.ROOT));
        }
        Map<String, Object> keys = new LinkedHashMap<>();
        Map<String, JsonLocation> where = new LinkedHashMap<>();
        for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String k = p.currentName();
            if (!valid.contains(k)) {
                throw UnrecognizedPropertyException.from(p, owner, k, new ArrayList<>(valid));
            }
            where.put(k, p.currentTokenLocation());
            p.nextToken();
            OtherKey other = others.get(k);
            if (other != null) {
                try {
                    other.read(p, ctx);
                } catch (JsonMappingException ex) {
                    ex.prependPath(owner, k);
                    throw ex;
                }
                continue;
            }
            // ctx.readTree, not p.readValueAsTree(): with FAIL_ON_TRAILING_TOKENS the latter fails mid-document
            JsonNode v = ctx.readTree(p);
            if (v.isTextual() && !NAMED_KEYS.contains(k) && quotedLiteral(v.textValue())) { // a file writes 8, not "8"
                JsonMappingException jm = new JsonMappingException(p, "training setting '" + k + "' must be "
                        + (k.equals("grad_checkpointing") ? "true or false" : "a number") + ", found the string '"
                        + v.textValue() + "' (write it without quotes)", where.get(k));
                jm.prependPath(owner, k);
                throw jm;
            }
            keys.put(k, v.isNull() ? null : v.isIntegralNumber() ? (Object) v.longValue() : v.isNumber()
                    ? (Object) v.doubleValue() : v.isTextual() ? v.textValue() : v.toString());
        }
        try {
            return DEFAULTS.with(keys);
        } catch (BadKey ex) {
            // located at the key itself, not where the parser stopped
            JsonMappingException jm = new JsonMappingException(p, ex.getMessage(),
                    where.getOrDefault(ex.key(), p.currentTokenLocation()));
            jm.prependPath(owner, ex.key());
            throw jm;
        }
    }
}

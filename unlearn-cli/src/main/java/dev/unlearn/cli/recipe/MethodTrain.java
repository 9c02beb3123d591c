package dev.unlearn.cli.recipe;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.unlearn.cli.AdapterOptions;
import dev.unlearn.cli.LoraOptions;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.methods.run.MethodRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A method run's {@code train} section: the {@link TrainSettings} keys plus the adapter keys that only an
 * unlearning run has, {@code lora: {rank, alpha, dropout, targets}} and {@code export: merged|peft} (the
 * recipe spelling of {@code unlearn forget --lora-rank/--lora-alpha/--lora-dropout/--lora-targets/--export}).
 * Without {@code lora} (or with {@code rank: 0}) every weight trains, as before.
 *
 * @param settings the training settings
 * @param lora the adapter settings, or null (full fine-tuning)
 * @param export {@code merged} or {@code peft}, or null (merged)
 * @param precision {@code fp32}, {@code bf16} or {@code fp16}, or null (fp32): the recipe spelling of
 *     {@code unlearn forget --precision}; a half precision needs {@code lora}
 * @param referenceCacheMb the largest on-disk cache of π_ref's outputs in MiB, or null (the runner's default,
 *     {@link #DEFAULT_REFERENCE_CACHE_MB}); 0 = a model copy always serves as the reference. The recipe
 *     spelling of {@code unlearn forget --reference-cache-mb}
 */
@JsonDeserialize(using = MethodTrain.FromJson.class)
public record MethodTrain(TrainSettings settings, Lora lora, String export, String precision, Integer referenceCacheMb) {
    /** The keys of a method's {@code train} section that only an unlearning run has, besides {@link TrainSettings#KEYS}. */
    public static final List<String> ADAPTER_KEYS = List.of("lora", "export", "precision", "reference_cache_mb");

    /** {@code reference_cache_mb} when not given: {@link MethodRunner.Builder#DEFAULT_CACHE_LIMIT} in MiB. */
    public static final int DEFAULT_REFERENCE_CACHE_MB = (int) (MethodRunner.Builder.DEFAULT_CACHE_LIMIT >> 20);

    public MethodTrain {
        if (referenceCacheMb != null && referenceCacheMb < 0) {
            throw new dev.unlearn.core.InvalidInputException("train.reference_cache_mb must be >= 0 (0 = always a copy"
                    + " of the model as the reference), found " + referenceCacheMb);
        }
    }

    /** The reference cache limit in bytes ({@link MethodRunner.Builder#optReferenceCacheLimit}). */
    public long referenceCacheBytes() {
        return (long) (referenceCacheMb == null ? DEFAULT_REFERENCE_CACHE_MB : referenceCacheMb) << 20;
    }

    /** Every key of a method's {@code train} section. */
    public static List<String> keys() {
        List<String> k = new ArrayList<>(TrainSettings.KEYS);
        k.addAll(ADAPTER_KEYS);
        return k;
    }

    /**
     * {@code train.lora}: rank (0 = off), alpha (default 2 × rank), dropout (default 0), targets ({@code all},
     * a list of PEFT module names, or a comma-separated string of them; default PEFT's, q_proj and v_proj).
     */
    public record Lora(Integer rank, Double alpha, Double dropout,
            @JsonDeserialize(using = Targets.class) List<String> targets) {
        /** The given keys, for records and fingerprints. */
        @JsonValue
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rank", rank == null ? 0 : rank);
            if (alpha != null) {
                m.put("alpha", alpha);
            }
            if (dropout != null) {
                m.put("dropout", dropout);
            }
            if (targets != null) {
                m.put("targets", targets);
            }
            return m;
        }
    }

    /** The settings, and the adapter keys only when given (so a section without them records as before). */
    @JsonValue
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(settings.toMap());
        if (lora != null) {
            m.put("lora", lora.toMap());
        }
        if (export != null) {
            m.put("export", export);
        }
        if (precision != null) {
            m.put("precision", precision);
        }
        if (referenceCacheMb != null) {
            m.put("reference_cache_mb", referenceCacheMb);
        }
        return m;
    }

    /** Whether the run trains adapters ({@code lora.rank > 0}). */
    public boolean adapters() {
        return lora != null && lora.rank() != null && lora.rank() > 0;
    }

    /** The precision the stage loads its model in (fp32 when the key is absent). */
    public dev.unlearn.core.model.Precision modelPrecision() {
        return precision == null ? dev.unlearn.core.model.Precision.FP32
                : dev.unlearn.core.model.Precision.parse(precision, "precision");
    }

    /** Whether the stage also exports a PEFT adapter folder. */
    public boolean peftExport() {
        return export != null && export.trim().toLowerCase(Locale.ROOT).equals("peft");
    }

    /**
     * These keys as the options of {@code unlearn forget} ({@link AdapterOptions}), so a recipe's run
     * attaches, trains and exports adapters through the same code as the command.
     */
    public AdapterOptions options() {
        AdapterOptions a = new AdapterOptions();
        a.lora = new LoraOptions();
        a.export = export == null ? "merged" : export.trim().toLowerCase(Locale.ROOT);
        if (lora != null) {
            a.lora.rank = lora.rank() == null ? 0 : lora.rank();
            a.lora.alpha = lora.alpha();
            a.lora.dropout = lora.dropout();
            a.lora.targets = lora.targets() == null ? null : String.join(",", lora.targets());
        }
        return a;
    }

    /** {@code all}, a list of names, or one comma-separated string of names. */
    static final class Targets extends JsonDeserializer<List<String>> {
        @Override
        public List<String> deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode n = ctx.readTree(p);
            List<String> out = new ArrayList<>();
            if (n.isTextual()) {
                for (String s : n.textValue().split(",")) {
                    if (!s.isBlank()) {
                        out.add(s.trim());
                    }
                }
            } else if (n.isArray()) {
                for (JsonNode e : n) {
                    if (!e.isTextual()) {
                        return bad(ctx, n);
                    }
                    out.add(e.textValue().trim());
                }
            } else {
                return bad(ctx, n);
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        private static List<String> bad(DeserializationContext ctx, JsonNode n) throws IOException {
            return (List<String>) ctx.reportInputMismatch(List.class, "expected all or a list of module names such as"
                    + " [q_proj, v_proj], found %s", n);
        }
    }

    /** Binds the section: the training keys over {@link TrainSettings#DEFAULTS}, {@code lora}, {@code export}. */
    static final class FromJson extends JsonDeserializer<MethodTrain> {
        @Override
        public MethodTrain deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            Lora[] lora = new Lora[1];
            String[] export = new String[1];
            String[] precision = new String[1];
            Integer[] cacheMb = new Integer[1];
            Map<String, TrainSettings.OtherKey> others = new LinkedHashMap<>();
            others.put("lora", (q, c) -> lora[0] = c.readValue(q, Lora.class));
            others.put("export", (q, c) -> {
                JsonNode v = c.readTree(q);
                if (!v.isTextual()) {
                    throw JsonMappingException.from(q, "expected merged or peft, found " + v);
                }
                export[0] = v.textValue();
            });
            others.put("precision", (q, c) -> {
                JsonNode v = c.readTree(q);
                if (!v.isTextual()) {
                    throw JsonMappingException.from(q, "expected fp32, bf16 or fp16, found " + v);
                }
                precision[0] = v.textValue();
            });
            others.put("reference_cache_mb", (q, c) -> {
                JsonNode v = c.readTree(q);
                if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0) {
                    throw JsonMappingException.from(q, "expected a whole number of MiB >= 0 (0 = always a copy of the"
                            + " model as the reference), found " + v);
                }
                cacheMb[0] = v.intValue();
            });
            return new MethodTrain(TrainSettings.read(p, ctx, MethodTrain.class, others), lora[0], export[0], precision[0],
                    cacheMb[0]);
        }
    }
}

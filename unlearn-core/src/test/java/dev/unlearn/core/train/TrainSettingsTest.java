package dev.unlearn.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.unlearn.core.data.AttentionMasking;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one settings type: its table, parsing, and that each loop key reaches the loop's configuration. */
class TrainSettingsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void theTableOfDefaults() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("lr", 1e-5);
        expected.put("epochs", 10);
        expected.put("max_steps", 0L);
        expected.put("batch_size", 8);
        expected.put("grad_accum", 1);
        expected.put("weight_decay", 0.01);
        expected.put("warmup_steps", 0L);
        expected.put("schedule", "linear");
        expected.put("max_grad_norm", 1.0);
        expected.put("max_length", 512);
        expected.put("attention_mask", "length");
        expected.put("max_batch_tokens", 0);
        expected.put("grad_checkpointing", false);
        assertEquals(expected, TrainSettings.DEFAULTS.toMap());
        assertEquals(TrainSettings.KEYS, List.copyOf(TrainSettings.DEFAULTS.toMap().keySet()));
        // the loop's builder has the same defaults for the keys it shares
        assertEquals(TrainSettings.DEFAULTS.toConfig(0).build().fingerprint(),
                TrainingConfig.builder().setLearningRate(1e-5).build().fingerprint());
    }

    @Test
    void everyKeyParsesAndRoundTrips() throws Exception {
        TrainSettings s = YAML.readValue("{lr: 1.0e-3, epochs: 3, max_steps: 7, batch_size: 4, grad_accum: 8,"
                + " weight_decay: 0.0, warmup_steps: 12, schedule: cosine, max_grad_norm: 0.5, max_length: 64,"
                + " attention_mask: pad_token, max_batch_tokens: 96, grad_checkpointing: true}", TrainSettings.class);
        assertEquals(new TrainSettings(1e-3, 3, 7, 4, 8, 0.0, 12, Schedule.COSINE, 0.5, 64, AttentionMasking.PAD_TOKEN, 96,
                true), s);
        assertEquals(s, YAML.readValue(YAML.writeValueAsString(s), TrainSettings.class), "serialised as its keys");
        assertEquals(TrainSettings.DEFAULTS.withLearningRate(2e-3), YAML.readValue("{lr: 2e-3}", TrainSettings.class),
                "omitted keys take the defaults; YAML 1.1 reads 2e-3 as a string, accepted as a number");
    }

    @Test
    void unknownKeysAndBadValuesNameTheKey() throws Exception {
        UnrecognizedPropertyException u = assertThrows(UnrecognizedPropertyException.class,
                () -> YAML.readValue("{lr: 1.0e-3, learning_rate: 1.0e-3}", TrainSettings.class));
        assertEquals("learning_rate", u.getPropertyName());
        assertEquals("learning_rate", u.getPath().get(0).getFieldName());
        assertEquals(1, u.getPath().size(), "the key once in the path: " + u.getPath());
        assertTrue(u.getKnownPropertyIds().contains("grad_accum"));
        for (String bad : new String[] {"grad_accum: 0", "epochs: 2.5", "lr: -1.0", "max_grad_norm: -1.0",
            "schedule: step", "attention_mask: eos", "batch_size: four", "max_length: 1", "warmup_steps: -1",
            "grad_checkpointing: 1", "grad_checkpointing: yes please", "grad_checkpointing: [true]", "lr: \"1e-3\"",
            "max_steps: '8'", "grad_checkpointing: \"true\""}) {
            String key = bad.substring(0, bad.indexOf(':'));
            JsonMappingException ex = assertThrows(JsonMappingException.class,
                    () -> YAML.readValue("{" + bad + "}", TrainSettings.class), bad);
            assertEquals(key, ex.getPath().get(0).getFieldName(), bad);
            assertTrue(ex.getOriginalMessage().contains("'" + key + "'"), ex.getOriginalMessage());
        }
        assertTrue(assertThrows(JsonMappingException.class, () -> YAML.readValue("{lr: \"1e-3\"}", TrainSettings.class))
                .getOriginalMessage().contains("found the string '1e-3'"), "a quoted number in a file is refused");
        assertEquals(Schedule.COSINE, YAML.readValue("{schedule: \"cosine\"}", TrainSettings.class).schedule(),
                "names may be quoted");
        TrainSettings.BadKey k = assertThrows(TrainSettings.BadKey.class,
                () -> TrainSettings.DEFAULTS.with(Map.of("seed", 3)));
        assertEquals("seed", k.key());
        TrainSettings.BadKey flag = assertThrows(TrainSettings.BadKey.class,
                () -> TrainSettings.DEFAULTS.with(Map.of("grad_checkpointing", "maybe")));
        assertEquals("grad_checkpointing", flag.key());
        assertTrue(flag.getMessage().contains("'grad_checkpointing' must be true or false"), flag.getMessage());
        assertTrue(TrainSettings.DEFAULTS.with(Map.of("grad_checkpointing", "TRUE")).gradCheckpointing());
        assertTrue(TrainSettings.DEFAULTS.withGradCheckpointing(true).toConfig(0).build().gradCheckpointing(),
                "reaches the loop's configuration");
        assertEquals(TrainSettings.DEFAULTS.toConfig(0).build().fingerprint(),
                TrainSettings.DEFAULTS.withGradCheckpointing(true).toConfig(0).build().fingerprint(),
                "not part of the resume fingerprint: the gradients are the same to float rounding");
    }

    /** {@code max_batch_tokens}: 0 (off) by default, a non-negative integer, validated by name. */
    @Test
    void maxBatchTokensIsANonNegativeInteger() throws Exception {
        assertEquals(0, TrainSettings.DEFAULTS.maxBatchTokens());
        TrainSettings s = YAML.readValue("{max_batch_tokens: 4096, batch_size: 16}", TrainSettings.class);
        assertEquals(4096, s.maxBatchTokens());
        assertEquals(TrainSettings.DEFAULTS.withBatchSize(16).withMaxBatchTokens(4096), s);
        assertEquals(s, YAML.readValue(YAML.writeValueAsString(s), TrainSettings.class));
        assertEquals(2048, TrainSettings.DEFAULTS.with(Map.of("max_batch_tokens", "2048")).maxBatchTokens(),
                "a numeric string, as options give it");
        for (String bad : new String[] {"-1", "2.5", "lots", "4294967296", "'2048'"}) {
            JsonMappingException ex = assertThrows(JsonMappingException.class,
                    () -> YAML.readValue("{max_batch_tokens: " + bad + "}", TrainSettings.class), bad);
            assertEquals("max_batch_tokens", ex.getPath().get(0).getFieldName(), bad);
            assertTrue(ex.getOriginalMessage().contains("'max_batch_tokens'"), ex.getOriginalMessage());
            TrainSettings.BadKey k = assertThrows(TrainSettings.BadKey.class,
                    () -> TrainSettings.DEFAULTS.with(Map.of("max_batch_tokens", bad)), bad);
            assertEquals("max_batch_tokens", k.key());
        }
        assertEquals("max_batch_tokens", assertThrows(TrainSettings.BadKey.class,
                () -> TrainSettings.DEFAULTS.withMaxBatchTokens(-5)).key());
    }

    /** Every int key refuses a value beyond 32 bits by name; 4294967304 would wrap to 8, a valid setting. */
    @Test
    void intKeysRefuseValuesThatWouldWrap() throws Exception {
        for (String key : List.of("epochs", "batch_size", "grad_accum", "max_length", "max_batch_tokens")) {
            for (Object big : List.of(4294967304L, "4294967304", new java.math.BigInteger("4294967304"))) {
                TrainSettings.BadKey k = assertThrows(TrainSettings.BadKey.class,
                        () -> TrainSettings.DEFAULTS.with(Map.of(key, big)), key + "=" + big);
                assertEquals(key, k.key());
                assertTrue(k.getMessage().contains("4294967304") && k.getMessage().contains("32-bit"), k.getMessage());
            }
            JsonMappingException ex = assertThrows(JsonMappingException.class,
                    () -> YAML.readValue("{" + key + ": 4294967304}", TrainSettings.class), key);
            assertEquals(key, ex.getPath().get(0).getFieldName());
        }
        assertEquals(Integer.MAX_VALUE, TrainSettings.DEFAULTS.with(Map.of("epochs", (long) Integer.MAX_VALUE)).epochs());
    }

    @Test
    void eachLoopKeyChangesTheLoopConfiguration() {
        String base = TrainSettings.DEFAULTS.toConfig(0).build().fingerprint();
        Map<String, Object> changed = new LinkedHashMap<>();
        changed.put("lr", 2e-5);
        changed.put("epochs", 2);
        changed.put("max_steps", 5);
        changed.put("grad_accum", 4);
        changed.put("weight_decay", 0.1);
        changed.put("warmup_steps", 3);
        changed.put("schedule", "cosine");
        changed.put("max_grad_norm", 0.0);
        changed.forEach((k, v) -> assertNotEquals(base,
                TrainSettings.DEFAULTS.with(Map.of(k, v)).toConfig(0).build().fingerprint(), k));
        assertNotEquals(base, TrainSettings.DEFAULTS.toConfig(1).build().fingerprint(), "seed");
        // batch_size, max_length and attention_mask are data-side keys: FineTune/MethodRunner apply them
        // (TrainSettingsAppliedTest in unlearn-methods shows each one changing a run)
    }
}

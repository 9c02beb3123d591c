package dev.unlearn.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    @Test
    void stories260kResavesByteIdenticalTensors(@TempDir Path tmp) throws Exception {
        Path src = Fixtures.fixture("stories260k");
        Path out = tmp.resolve("copy");
        try (CausalLm lm = Checkpoint.load(src, Device.cpu())) {
            Map<String, String> digests = Checkpoint.save(lm, out, src, DataType.FLOAT32);
            assertTrue(digests.containsKey("model.safetensors"));
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> Checkpoint.save(lm, src, null, DataType.FLOAT32));
            assertTrue(e.getMessage().contains("refusing"), e.getMessage());
        }
        try (SafetensorsReader a = SafetensorsReader.open(src.resolve("model.safetensors"));
                SafetensorsReader b = SafetensorsReader.open(out.resolve("model.safetensors"))) {
            assertEquals(a.tensors().keySet(), b.tensors().keySet());
            for (String n : a.tensors().keySet()) {
                assertEquals(a.tensors().get(n).dtype(), b.tensors().get(n).dtype(), n);
                assertEquals(a.rawBytes(n), b.rawBytes(n), "tensor bytes differ: " + n);
            }
        }
        assertTrue(Checkpoint.verifyManifest(out).isEmpty());
        Files.writeString(out.resolve("config.json"), "{}");
        assertEquals(java.util.List.of("config.json"), Checkpoint.verifyManifest(out));
        assertFalse(Files.list(tmp).anyMatch(p -> p.getFileName().toString().contains(".tmp-")), "temp dir left");
    }

    @Test
    void qwen2RoundTripWithBiasesAndBf16(@TempDir Path tmp) {
        ModelConfig cfg = ModelConfig.qwen2(32, 2, 4, 2, 48, 61).with("eos_token_id", java.util.List.of(2, 5))
                .with("custom_unknown_key", "kept");
        try (NDManager m = NDManager.newBaseManager(); CausalLm lm = CausalLm.random(cfg, m, Device.cpu(), 3)) {
            Path out = tmp.resolve("q");
            Checkpoint.save(lm, out, null, DataType.FLOAT32);
            NDArray x = m.create(new long[] {1, 4, 9, 16, 25}, new Shape(1, 5));
            float[] exp = lm.forward(x, null, false).logits().toFloatArray();
            try (CausalLm back = Checkpoint.load(out, m)) {
                assertEquals(cfg.json().get("custom_unknown_key"), back.config().json().get("custom_unknown_key"));
                assertEquals(java.util.List.of(2, 5), back.config().eosTokenIds());
                assertTrue(back.parameters().containsKey("model.layers.1.self_attn.v_proj.bias"));
                assertArrayEquals(exp, back.forward(x, null, false).logits().toFloatArray(), "qwen2 f32 round trip");
            }
            Path bf = tmp.resolve("qbf");
            Checkpoint.save(lm, bf, null, DataType.BFLOAT16);
            try (CausalLm back = Checkpoint.load(bf, m)) {
                assertEquals("bfloat16", back.config().torchDtype());
                for (var e : lm.parameters().entrySet()) {
                    float[] a = e.getValue().toFloatArray();
                    float[] b = back.parameters().get(e.getKey()).toFloatArray();
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(a[i], b[i], Math.abs(a[i]) / 256 + 1e-30, e.getKey() + "[" + i + "]");
                    }
                }
            }
        }
    }

    /**
     * Chunked writing (the default streams {@code CHUNK_ELEMENTS} at a time) is byte-identical to writing
     * each tensor whole, at chunk sizes that split rows unevenly, split single rows, and cut a vector:
     * float32 stored as F32 and as BF16, and a bfloat16 model stored as BF16.
     */
    @Test
    void chunkedWritingIsByteIdenticalToWholeTensors(@TempDir Path tmp) throws Exception {
        ModelConfig cfg = ModelConfig.llama(24, 2, 4, 2, 40, 37);
        try (NDManager m = NDManager.newBaseManager();
                CausalLm lm = CausalLm.random(cfg, m, Device.cpu(), 5);
                CausalLm half = CausalLm.random(cfg, m, Device.cpu(), 5, dev.unlearn.core.model.Precision.BF16)) {
            Map<String, NDArray> tensors = new LinkedHashMap<>(lm.parameters());
            tensors.put("extra.vector", m.randomNormal(new Shape(1000)));
            tensors.put("extra.scalar", m.create(3.5f));
            for (Object[] c : new Object[][] {{tensors, DataType.FLOAT32}, {tensors, DataType.BFLOAT16},
                    {half.parameters(), DataType.BFLOAT16}}) {
                @SuppressWarnings("unchecked")
                Map<String, NDArray> t = (Map<String, NDArray>) c[0];
                DataType store = (DataType) c[1];
                Path whole = tmp.resolve("whole.safetensors");
                SafetensorsWriter.write(whole, t, store, Long.MAX_VALUE);
                byte[] expected = Files.readAllBytes(whole);
                for (long chunk : new long[] {1, 7, 24, 25, 100, 1 << 20}) {
                    Path f = tmp.resolve("chunk" + chunk + ".safetensors");
                    SafetensorsWriter.write(f, t, store, chunk);
                    assertArrayEquals(expected, Files.readAllBytes(f), store + ", chunks of " + chunk);
                }
            }
        }
    }

    /**
     * A saved model folder has the permissions of a folder made with mkdir under this process's umask, not
     * the owner-only ones of {@code Files.createTempDirectory} (the staging folder it is renamed from).
     */
    @Test
    void savedFoldersHaveTheUmaskPermissionsOfANewFolder(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"));
        var plain = Files.getPosixFilePermissions(Files.createDirectory(tmp.resolve("mkdir")));
        try (NDManager m = NDManager.newBaseManager();
                CausalLm lm = CausalLm.random(ModelConfig.llama(16, 1, 2, 1, 24, 11), m, Device.cpu(), 1)) {
            Checkpoint.save(lm, tmp.resolve("model"), null, DataType.FLOAT32);
            assertEquals(plain, Files.getPosixFilePermissions(tmp.resolve("model")), "model folder");
            var lora = lm.attachAdapters(new dev.unlearn.core.model.LoraConfig(2, 4, 0, java.util.List.of(), false), 3);
            assertTrue(lora != null);
            PeftAdapter.save(lm, tmp.resolve("adapter"), "base", null, DataType.FLOAT32);
            assertEquals(plain, Files.getPosixFilePermissions(tmp.resolve("adapter")), "adapter folder");
        }
    }

    @Test
    void savesWeightsThatCarryGradients(@TempDir Path tmp) {
        ModelConfig cfg = ModelConfig.llama(16, 1, 2, 1, 24, 33);
        try (NDManager m = NDManager.newBaseManager(); CausalLm lm = CausalLm.random(cfg, m, Device.cpu(), 4)) {
            for (NDArray p : lm.parameters().values()) {
                p.setRequiresGradient(true);
            }
            Checkpoint.save(lm, tmp.resolve("g"), null, DataType.FLOAT32);
            try (CausalLm back = Checkpoint.load(tmp.resolve("g"), m)) {
                String n = "model.layers.0.mlp.down_proj.weight";
                assertArrayEquals(lm.parameters().get(n).toFloatArray(), back.parameters().get(n).toFloatArray());
            }
        }
    }

    @Test
    void shardedCheckpointLoads(@TempDir Path tmp) throws Exception {
        ModelConfig cfg = ModelConfig.llama(16, 2, 2, 1, 24, 33);
        try (NDManager m = NDManager.newBaseManager(); CausalLm lm = CausalLm.random(cfg, m, Device.cpu(), 1)) {
            Path dir = Files.createDirectory(tmp.resolve("sharded"));
            cfg.write(dir.resolve("config.json"));
            Map<String, NDArray> p1 = new LinkedHashMap<>();
            Map<String, NDArray> p2 = new LinkedHashMap<>();
            ObjectNode idx = new ObjectMapper().createObjectNode();
            ObjectNode wm = idx.putObject("weight_map");
            int i = 0;
            for (var e : lm.parameters().entrySet()) {
                boolean first = i++ % 2 == 0;
                (first ? p1 : p2).put(e.getKey(), e.getValue());
                wm.put(e.getKey(), first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            }
            SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), p1, DataType.FLOAT32);
            SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), p2, DataType.BFLOAT16);
            Files.writeString(dir.resolve("model.safetensors.index.json"), idx.toString());
            try (CausalLm back = Checkpoint.load(dir, m)) {
                String n = "model.layers.0.input_layernorm.weight";
                assertArrayEquals(lm.parameters().get(n).toFloatArray(), back.parameters().get(n).toFloatArray());
            }
            wm.put("model.norm.weight", "model-00003-of-00002.safetensors");
            Files.writeString(dir.resolve("model.safetensors.index.json"), idx.toString());
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Checkpoint.load(dir, m));
            assertTrue(e.getMessage().contains("model.norm.weight") && e.getMessage().contains("00003"), e.getMessage());
        }
    }

    @Test
    void halfFloatConversions() {
        assertEquals(1.0f, HalfFloats.halfToFloat((short) 0x3c00));
        assertEquals(-2.0f, HalfFloats.halfToFloat((short) 0xc000));
        assertEquals(65504f, HalfFloats.halfToFloat((short) 0x7bff));
        assertEquals((float) Math.pow(2, -24), HalfFloats.halfToFloat((short) 0x0001));
        assertTrue(Float.isInfinite(HalfFloats.halfToFloat((short) 0x7c00)));
        assertEquals(1.0f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1.0f)));
        // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: rounds to even (1.0)
        assertEquals(1.0f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f + (float) Math.pow(2, -8))));
        assertEquals(1f + (float) Math.pow(2, -7),
                HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f + 3 * (float) Math.pow(2, -9))));
        ByteBuffer b = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3c00)
                .putShort((short) 0x3f80);
        b.flip();
        assertArrayEquals(new float[] {1f}, SafetensorsReader.toFloats("F16", b.duplicate().limit(2)));
        assertEquals(1f, SafetensorsReader.toFloats("BF16", b.duplicate().position(2))[0]);
    }

    @Test
    void digestsOfBytesAndDirectories(@TempDir Path tmp) throws Exception {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Digests.sha256("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Files.writeString(tmp.resolve("a.txt"), "abc");
        Files.createDirectory(tmp.resolve("sub"));
        Files.writeString(tmp.resolve("sub/b.txt"), "x");
        Map<String, String> m = Digests.directoryManifest(tmp);
        assertEquals(java.util.List.of("a.txt", "sub/b.txt"), new java.util.ArrayList<>(m.keySet()));
        String before = Digests.sha256Directory(tmp);
        Files.writeString(tmp.resolve("sub/b.txt"), "y");
        assertFalse(before.equals(Digests.sha256Directory(tmp)));
    }
}

package dev.unlearn.core.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a checkpoint can be broken gives an InvalidInputException naming the file and tensor. */
class MalformedCheckpointTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String Q = "model.layers.0.self_attn.q_proj.weight";
    static final String K = "model.layers.0.self_attn.k_proj.weight";

    @TempDir
    Path tmp;
    Path dir;
    ObjectNode header;
    byte[] data;

    @BeforeEach
    void validCheckpoint() throws Exception {
        Engines.pytorch();
        ModelConfig cfg = ModelConfig.llama(16, 1, 2, 1, 24, 33);
        try (NDManager m = NDManager.newBaseManager(); CausalLm lm = CausalLm.random(cfg, m, Device.cpu(), 1)) {
            dir = tmp.resolve("ok");
            Checkpoint.save(lm, dir, null, DataType.FLOAT32);
        }
        byte[] all = Files.readAllBytes(file());
        long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
        header = (ObjectNode) JSON.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        data = Arrays.copyOfRange(all, 8 + (int) n, all.length);
        try (CausalLm ok = Checkpoint.load(dir, Device.cpu())) {
            assertTrue(ok.parameters().containsKey(Q));
        }
    }

    Path file() {
        return dir.resolve("model.safetensors");
    }

    void rewrite(Consumer<ObjectNode> edit) throws Exception {
        edit.accept(header);
        byte[] h = JSON.writeValueAsBytes(header);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Files.write(file(), b.array());
    }

    void expect(String... parts) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Checkpoint.load(dir, Device.cpu()));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should name '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void headerLengthBeyondFile() throws Exception {
        byte[] all = Files.readAllBytes(file());
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(0, all.length + 100L);
        Files.write(file(), all);
        expect("model.safetensors", String.valueOf(all.length + 100L), String.valueOf(all.length - 8));
    }

    @Test
    void truncatedFile() throws Exception {
        byte[] all = Files.readAllBytes(file());
        Files.write(file(), Arrays.copyOf(all, all.length - 10));
        expect("model.safetensors", "outside the data section");
    }

    @Test
    void overlappingOffsets() throws Exception {
        rewrite(h -> {
            ArrayNode q = (ArrayNode) h.get(Q).get("data_offsets");
            ArrayNode k = (ArrayNode) h.get(K).get("data_offsets");
            long len = k.get(1).longValue() - k.get(0).longValue();
            long start = q.get(0).longValue() + 4;
            k.removeAll().add(start).add(start + len);
        });
        expect("model.safetensors", "overlap", K);
    }

    @Test
    void bytesThatBelongToNoTensor() throws Exception {
        // a hole: one tensor's entry dropped from the header, its bytes left in place
        ObjectNode full = header.deepCopy();
        rewrite(h -> h.remove(K));
        expect("model.safetensors", "belong to no tensor", "before tensor");
        // trailing bytes: a whole file with 16 bytes appended
        header = full;
        rewrite(h -> {});
        byte[] all = Files.readAllBytes(file());
        Files.write(file(), Arrays.copyOf(all, all.length + 16));
        expect("model.safetensors", "the 16 bytes after them belong to no tensor");
    }

    @Test
    void aTensorNamedTwice() throws Exception {
        byte[] h = JSON.writeValueAsBytes(header);
        String text = new String(h, StandardCharsets.UTF_8);
        String entry = "\"" + K + "\":" + JSON.writeValueAsString(header.get(K));
        String twice = text.replace(entry, entry + "," + entry);
        byte[] t = twice.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + t.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(t.length).put(t).put(data);
        Files.write(file(), b.array());
        expect("model.safetensors", "Duplicate field '" + K + "'");
    }

    @Test
    void offsetsOutOfRange() throws Exception {
        rewrite(h -> {
            ArrayNode k = (ArrayNode) h.get(K).get("data_offsets");
            long len = k.get(1).longValue() - k.get(0).longValue();
            k.removeAll().add(data.length - len + 8).add(data.length + 8);
        });
        expect("model.safetensors", K, "outside");
    }

    @Test
    void unknownDtype() throws Exception {
        rewrite(h -> ((ObjectNode) h.get(K)).put("dtype", "I32"));
        expect("model.safetensors", K, "I32");
    }

    @Test
    void shapeTimesDtypeNotByteSpan() throws Exception {
        rewrite(h -> ((ObjectNode) h.get(K)).put("dtype", "BF16"));
        expect("model.safetensors", K, "bytes");
    }

    @Test
    void missingTensor() throws Exception {
        // a well-formed file without K: its entry and its bytes removed, the later offsets moved down
        long b0 = header.get(K).get("data_offsets").get(0).longValue();
        long b1 = header.get(K).get("data_offsets").get(1).longValue();
        header.remove(K);
        header.fields().forEachRemaining(e -> {
            ArrayNode off = (ArrayNode) e.getValue().get("data_offsets");
            if (off != null && off.get(0).longValue() >= b1) {
                long a = off.get(0).longValue() - (b1 - b0);
                long z = off.get(1).longValue() - (b1 - b0);
                off.removeAll().add(a).add(z);
            }
        });
        byte[] rest = new byte[data.length - (int) (b1 - b0)];
        System.arraycopy(data, 0, rest, 0, (int) b0);
        System.arraycopy(data, (int) b1, rest, (int) b0, data.length - (int) b1);
        data = rest;
        rewrite(h -> {});
        expect(K, "missing");
    }

    @Test
    void unexpectedTensor() throws Exception {
        int end = data.length;
        data = Arrays.copyOf(data, end + 64);
        rewrite(h -> {
            ObjectNode t = h.putObject("model.layers.0.self_attn.q_proj.bias");
            t.put("dtype", "F32");
            t.putArray("shape").add(16);
            t.putArray("data_offsets").add(end).add(end + 64);
        });
        expect("model.safetensors", "unexpected", "q_proj.bias");
    }

    @Test
    void shapeDisagreesWithConfig() throws Exception {
        rewrite(h -> {
            ArrayNode s = (ArrayNode) h.get(K).get("shape");
            long a = s.get(0).longValue();
            long b = s.get(1).longValue();
            s.removeAll().add(b).add(a);
        });
        expect("model.safetensors", K, "shape");
    }

    @Test
    void unsupportedModelType() throws Exception {
        ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        c.put("model_type", "olmo2");
        Files.writeString(dir.resolve("config.json"), c.toString());
        expect("config.json", "model_type", "olmo2");
    }

    @Test
    void unsupportedRopeScaling() throws Exception {
        ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        c.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 8.0);
        Files.writeString(dir.resolve("config.json"), c.toString());
        expect("config.json", "rope_scaling", "yarn");
    }

    @Test
    void headerNotJson() throws Exception {
        byte[] h = "{not json".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
        Files.write(file(), b.array());
        expect("model.safetensors", "JSON");
    }

    @Test
    void noWeights() throws Exception {
        Files.delete(file());
        expect("model.safetensors");
    }
}

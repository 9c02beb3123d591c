package dev.unlearn.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.UnlearnException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a resumed run needs, in one file {@code trainer-state.bin} written atomically
 * (temporary file, then rename): the next optimizer step, AdamW's update count and moments, the
 * parameters, the skipped-step count, the seed and the configuration fingerprint. The random state is
 * the seed itself: every random draw is derived from {@code (seed, micro-batch index)}.
 *
 * <p>Layout: magic {@code UNLTS1}, a 4-byte length, that many bytes of UTF-8 JSON (header), then DJL's
 * {@link NDList#encode()} of parameters, first moments and second moments in header name order.
 */
public final class TrainerState {
    public static final String FILE = "trainer-state.bin";
    private static final byte[] MAGIC = "UNLTS1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TrainerState() {}

    /** Header of a saved state. */
    public record Header(long step, long adamStep, int badSteps, long seed, String fingerprint, List<String> names) {}

    static void save(Path dir, Header h, Map<String, NDArray> params, AdamW adam) {
        try {
            Files.createDirectories(dir);
            ObjectNode json = MAPPER.createObjectNode();
            json.put("step", h.step());
            json.put("adam_step", h.adamStep());
            json.put("bad_steps", h.badSteps());
            json.put("seed", h.seed());
            json.put("fingerprint", h.fingerprint());
            h.names().forEach(json.withArray("names")::add);
            byte[] head = MAPPER.writeValueAsBytes(json);
            NDList list = new NDList();
            for (String n : h.names()) {
                list.add(params.get(n));
            }
            for (String n : h.names()) {
                list.add(adam.m.get(n));
            }
            for (String n : h.names()) {
                list.add(adam.v.get(n));
            }
            Path tmp = Files.createTempFile(dir, ".trainer-state", ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream out = new DataOutputStream(os)) {
                out.write(MAGIC);
                out.writeInt(head.length);
                out.write(head);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                list.encode(bytes);
                bytes.writeTo(out);
            }
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UnlearnException("Cannot write checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads only the header of {@code dir/trainer-state.bin}, or null when there is none. */
    public static Header readHeader(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try (InputStream is = Files.newInputStream(f); DataInputStream in = new DataInputStream(is)) {
            return header(f, in);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read checkpoint " + f + ": " + e.getMessage(), e);
        }
    }

    private static Header header(Path f, DataInputStream in) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new InvalidInputException("Checkpoint " + f + " is not a trainer state (bad magic)");
        }
        int len = in.readInt();
        if (len < 2 || len > 64 << 20) {
            throw new InvalidInputException("Checkpoint " + f + " has a header length of " + len + " bytes");
        }
        JsonNode j = MAPPER.readTree(in.readNBytes(len));
        List<String> names = new ArrayList<>();
        j.path("names").forEach(n -> names.add(n.asText()));
        return new Header(j.path("step").asLong(), j.path("adam_step").asLong(), j.path("bad_steps").asInt(),
                j.path("seed").asLong(), j.path("fingerprint").asText(), names);
    }

    /** Loads {@code dir}'s state into the live parameters and optimizer moments (in place). */
    static Header load(Path dir, Map<String, NDArray> params, AdamW adam, NDManager scratch) {
        Path f = dir.resolve(FILE);
        try (InputStream is = Files.newInputStream(f); DataInputStream in = new DataInputStream(is)) {
            Header h = header(f, in);
            if (!h.names().equals(new ArrayList<>(params.keySet()))) {
                throw new InvalidInputException("Checkpoint " + f + " holds parameters " + h.names()
                        + " but the run trains " + params.keySet());
            }
            NDList list = NDList.decode(scratch, in.readAllBytes());
            int n = h.names().size();
            if (list.size() != 3 * n) {
                throw new InvalidInputException("Checkpoint " + f + " holds " + list.size() + " arrays, expected " + 3 * n);
            }
            for (int i = 0; i < n; i++) {
                String name = h.names().get(i);
                copy(f, name, params.get(name), list.get(i));
                copy(f, name, adam.m.get(name), list.get(n + i));
                copy(f, name, adam.v.get(name), list.get(2 * n + i));
            }
            adam.t = h.adamStep();
            return h;
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read checkpoint " + f + ": " + e.getMessage(), e);
        }
    }

    private static void copy(Path f, String name, NDArray dst, NDArray src) {
        if (!dst.getShape().equals(src.getShape()) || dst.getDataType() != src.getDataType()) {
            throw new InvalidInputException("Checkpoint " + f + ": tensor " + name + " is " + src.getShape() + " "
                    + src.getDataType() + ", the run has " + dst.getShape() + " " + dst.getDataType());
        }
        dst.set(new NDIndex("..."), src);
    }
}

package dev.unlearn.methods.run;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Digests;
import dev.unlearn.methods.spi.ReferenceUse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * π_ref's outputs per example in a folder on disk (issue 16: no second model copy in full mode). One
 * file per (output, example): {@code <output>/<digest>.bin}, where {@code output} is {@code logits},
 * {@code layerN} or {@code nll_sum} and the digest is the SHA-256 of the example's cache key
 * ({@link TokenizedExample#contentKey}: sample id plus a SHA-256 of its token ids and prompt length). A file is
 * the 8-byte magic {@value #MAGIC_TEXT}, a little-endian int header length, a JSON header ({@code key},
 * {@code output}, {@code rows}, {@code cols}, {@code stored}: float32 or float64, {@code dtype}: the dtype
 * the values are served in, {@code crc32c} of the payload) and {@code rows × cols} little-endian values.
 * {@value #INDEX} lists every file written, for people.
 *
 * <p>Every read checks the magic, the header, the key and output against the request, the shape against
 * what this run wrote, the length and the CRC32C; a file that fails is an {@link InvalidInputException}
 * naming it and is never used. The cache is written into an absent or empty folder only: it never reads
 * a previous run's files (they are keyed by example, not by model) and never deletes a file it did not
 * write. Files are written to a temporary name and renamed.
 */
final class ReferenceCache {
    static final String INDEX = "index.json";
    static final String MAGIC_TEXT = "UNLREF01";
    private static final byte[] MAGIC = MAGIC_TEXT.getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Values of one example as stored: {@code rows × cols}, row-major, served in {@code dtype}. */
    record Entry(int rows, int cols, DataType dtype, float[] f32, double[] f64) {}

    /** What this run wrote for a file: for the shape check and the index. */
    private record Written(String key, String output, int rows, int cols, long bytes) {}

    private final Path dir;
    private final Map<Path, Written> written = new LinkedHashMap<>();
    private long bytes;

    private ReferenceCache(Path dir) {
        this.dir = dir;
    }

    /**
     * A new cache in {@code dir}, which must be absent or empty (it is created with its parents).
     *
     * @throws InvalidInputException when {@code dir} is a file, a link or a folder that holds files
     */
    static ReferenceCache create(Path dir) {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir)) {
                throw new InvalidInputException("reference cache folder " + dir + " is a file or a link; give a folder"
                        + " that does not exist yet");
            }
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new InvalidInputException("reference cache folder " + dir + " already holds files; the runner"
                            + " writes a fresh cache into an absent or empty folder and never reuses or deletes files it"
                            + " did not write: give a new folder, or remove that one");
                }
            } catch (IOException ex) {
                throw new InvalidInputException("cannot list reference cache folder " + dir + ": " + ex.getMessage(), ex);
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException ex) {
            throw new InvalidInputException("cannot create reference cache folder " + dir + ": " + ex.getMessage(), ex);
        }
        return new ReferenceCache(dir);
    }

    Path dir() {
        return dir;
    }

    /** Bytes of the files written. */
    long bytes() {
        return bytes;
    }

    /** Files written. */
    int entries() {
        return written.size();
    }

    /** The output part of a file's path and header: {@code logits}, {@code layer3}, {@code nll_sum}. */
    static String outputName(ReferenceUse.Output output, int layer) {
        return output == ReferenceUse.Output.LAYER_OUTPUT ? "layer" + layer : output.label();
    }

    /** The file of an output under a key. */
    Path file(String output, String key) {
        return dir.resolve(output).resolve(sha256(key).substring(0, 40) + ".bin");
    }

    /** The key of one example's values: {@link TokenizedExample#contentKey} (id plus a digest of its tokens). */
    static String key(TokenizedExample e) {
        return e.contentKey();
    }

    /**
     * The key of one micro-batch's values: a digest of its examples' keys in order and its width, so a
     * batch of other examples, another order or another padding misses.
     */
    static String key(dev.unlearn.core.data.Batch b) {
        StringBuilder sb = new StringBuilder();
        for (TokenizedExample e : b.examples()) {
            sb.append(key(e)).append('\n');
        }
        return "batch#" + b.size() + "x" + b.width() + "#" + sha256(sb.toString());
    }

    /** Header plus payload bytes of an entry of {@code rows × cols} values of {@code stored}. */
    static long fileBytes(long rows, long cols, DataType stored) {
        return 512 + rows * cols * (stored == DataType.FLOAT64 ? 8 : 4);
    }

    /**
     * Writes the values under a key ({@link #key(TokenizedExample)}, {@link #key(dev.unlearn.core.data.Batch)});
     * {@code f32} or {@code f64} holds them (the other is null). {@code dtype} is the type they are served in
     * (a half type is stored as float32, exactly).
     */
    void put(String output, String key, int rows, int cols, DataType dtype, float[] f32, double[] f64) {
        DataType stored = f64 != null ? DataType.FLOAT64 : DataType.FLOAT32;
        int n = f64 != null ? f64.length : f32.length;
        if ((long) rows * cols != n) {
            throw new IllegalArgumentException(rows + " x " + cols + " values expected, " + n + " given");
        }
        ByteBuffer payload = ByteBuffer.allocate(n * (stored == DataType.FLOAT64 ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        if (f64 != null) {
            payload.asDoubleBuffer().put(f64);
        } else {
            payload.asFloatBuffer().put(f32);
        }
        CRC32C crc = new CRC32C();
        crc.update(payload.array());
        ObjectNode h = JSON.createObjectNode();
        h.put("key", key);
        h.put("output", output);
        h.put("rows", rows);
        h.put("cols", cols);
        h.put("stored", stored.name().toLowerCase(java.util.Locale.ROOT));
        h.put("dtype", dtype.name().toLowerCase(java.util.Locale.ROOT));
        h.put("crc32c", crc.getValue());
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).putInt(header.length);
        Path f = file(output, key);
        Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp");
        try {
            if (!Files.isDirectory(f.getParent())) {
                // one level only: a cache folder removed under a running fill (a request's shutdown hook) stays removed
                Files.createDirectory(f.getParent());
            }
            try (var ch = Files.newByteChannel(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(head.flip());
                ch.write(ByteBuffer.wrap(header));
                ch.write(payload.rewind());
            }
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file is ours; a later look at the folder shows it
            }
            throw new UncheckedIOException("cannot write reference cache file " + f, ex);
        }
        long size = MAGIC.length + 4L + header.length + payload.capacity();
        Written prev = written.put(f, new Written(key, output, rows, cols, size));
        bytes += size - (prev == null ? 0 : prev.bytes());
    }

    /** Whether this run wrote an output under the key. */
    boolean has(String output, String key) {
        return written.containsKey(file(output, key));
    }

    /**
     * Reads the values under a key back, checked.
     *
     * @param what the example or batch, for messages
     *
     * @throws IllegalStateException when this run never wrote them (an output the plan did not declare)
     * @throws InvalidInputException when the file is missing, damaged or holds another example's values
     */
    Entry get(String output, String key, String what) {
        Path f = file(output, key);
        Written w = written.get(f);
        if (w == null) {
            throw new IllegalStateException("reference output " + output + " of " + what + " is not in the"
                    + " reference cache: the loss asked for an output its plan's CacheableReference does not declare");
        }
        byte[] all;
        try {
            all = Files.readAllBytes(f);
        } catch (IOException ex) {
            throw new InvalidInputException("reference cache file " + f + " cannot be read (" + ex.getMessage()
                    + "); it was written by this run and removed or changed since: rerun without it", ex);
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < MAGIC.length + 4 || !java.util.Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw bad(f, "does not start with " + MAGIC_TEXT);
        }
        int hl = buf.getInt(MAGIC.length);
        if (hl <= 0 || hl > all.length - MAGIC.length - 4) {
            throw bad(f, "header length " + hl + " exceeds the file's " + all.length + " bytes");
        }
        JsonNode h;
        try {
            h = JSON.readTree(new String(all, MAGIC.length + 4, hl, StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw bad(f, "header is not JSON");
        }
        String found = h.path("key").asText("");
        if (!found.equals(w.key()) || !h.path("output").asText("").equals(output)) {
            throw bad(f, "holds " + h.path("output").asText("?") + " of '" + found + "', expected " + output + " of '"
                    + w.key() + "'");
        }
        int rows = h.path("rows").asInt(-1);
        int cols = h.path("cols").asInt(-1);
        if (rows != w.rows() || cols != w.cols()) {
            throw bad(f, "shape " + rows + " x " + cols + " differs from the " + w.rows() + " x " + w.cols() + " written");
        }
        DataType stored = "float64".equals(h.path("stored").asText()) ? DataType.FLOAT64 : DataType.FLOAT32;
        int start = MAGIC.length + 4 + hl;
        long need = (long) rows * cols * (stored == DataType.FLOAT64 ? 8 : 4);
        if (all.length - start != need) {
            throw bad(f, "payload has " + (all.length - start) + " bytes, " + rows + " x " + cols + " " + stored
                    + " values take " + need);
        }
        CRC32C crc = new CRC32C();
        crc.update(all, start, (int) need);
        if (crc.getValue() != h.path("crc32c").asLong(-1)) {
            throw bad(f, "payload checksum (CRC32C) does not match its header: the file is damaged");
        }
        DataType dtype;
        try {
            dtype = DataType.valueOf(h.path("dtype").asText("").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw bad(f, "unknown dtype " + h.path("dtype").asText());
        }
        ByteBuffer p = ByteBuffer.wrap(all, start, (int) need).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (stored == DataType.FLOAT64) {
            double[] v = new double[rows * cols];
            p.asDoubleBuffer().get(v);
            return new Entry(rows, cols, dtype, null, v);
        }
        float[] v = new float[rows * cols];
        p.asFloatBuffer().get(v);
        return new Entry(rows, cols, dtype, v, null);
    }

    /** Writes {@value #INDEX}: what was cached, for people (reads never use it). */
    void writeIndex(Map<String, Object> about) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "unlearn-reference-cache/1");
        root.set("about", JSON.valueToTree(about));
        root.put("bytes", bytes);
        ObjectNode files = root.putObject("files");
        written.forEach((f, w) -> {
            ObjectNode o = files.putObject(dir.relativize(f).toString().replace('\\', '/'));
            o.put("key", w.key());
            o.put("rows", w.rows());
            o.put("cols", w.cols());
            o.put("bytes", w.bytes());
        });
        Path f = dir.resolve(INDEX);
        Path tmp = dir.resolve("." + INDEX + ".tmp");
        try {
            Files.writeString(tmp, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + f, ex);
        }
    }

    private static InvalidInputException bad(Path f, String what) {
        return new InvalidInputException("reference cache file " + f + " is not usable: " + what + ". It is never used"
                + " in that state; rerun the method (a new run writes a fresh cache).");
    }

    private static String sha256(String s) {
        return Digests.sha256(s.getBytes(StandardCharsets.UTF_8));
    }
}

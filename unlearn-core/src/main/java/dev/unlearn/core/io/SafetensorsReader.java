package dev.unlearn.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one {@code .safetensors} file: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code name -> {dtype, shape, data_offsets: [begin, end]}} plus optional {@code __metadata__}), then
 * the data section. {@link #open} validates the whole header before any tensor is read: N against the
 * file size (both numbers printed), each dtype (F32, F16, BF16), shape x dtype size = byte span, offsets
 * inside the data section, not overlapping, and covering it without holes or trailing bytes (as the
 * safetensors library requires), and no tensor named twice. Every error names the file and tensor.
 */
public final class SafetensorsReader implements AutoCloseable {
    /** Largest header accepted (the reference implementation uses 100 MB). */
    public static final long MAX_HEADER = 100L * 1024 * 1024;

    /** A tensor named twice is refused (a plain JSON object would keep the last silently). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** One tensor's header entry; offsets are relative to the data section. */
    public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {
        /** The shape as a DJL {@link Shape}. */
        public Shape djlShape() {
            return new Shape(shape);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final LinkedHashMap<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart,
            LinkedHashMap<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates a file; close the reader when done. */
    public static SafetensorsReader open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException ex) {
            throw new InvalidInputException(file + ": cannot open safetensors file: " + ex.getMessage(), ex);
        }
        try {
            return parse(file, ch);
        } catch (RuntimeException ex) {
            closeQuietly(ch);
            throw ex;
        }
    }

    private static SafetensorsReader parse(Path file, FileChannel ch) {
        try {
            long size = ch.size();
            if (size < 8) {
                throw new InvalidInputException(file + ": file is " + size + " bytes, too short for the 8-byte"
                        + " safetensors header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.getLong(0);
            if (n < 2 || n > size - 8 || n > MAX_HEADER) {
                throw new InvalidInputException(file + ": header length " + Long.toUnsignedString(n)
                        + " exceeds the " + (size - 8) + " bytes after the length field (file size " + size
                        + ", limit " + MAX_HEADER + "); the file is truncated or not safetensors");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            JsonNode root;
            try {
                root = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8).trim());
            } catch (IOException ex) {
                throw new InvalidInputException(file + ": header is not valid JSON: " + ParseErrors.describe(ex), ex);
            }
            if (root == null || !root.isObject()) {
                throw new InvalidInputException(file + ": header is not a JSON object");
            }
            long dataLen = size - 8 - n;
            Map<String, String> meta = new LinkedHashMap<>();
            List<TensorInfo> list = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if ("__metadata__".equals(e.getKey())) {
                    e.getValue().fields().forEachRemaining(f -> meta.put(f.getKey(), f.getValue().asText()));
                    continue;
                }
                list.add(entry(file, e.getKey(), e.getValue(), dataLen));
            }
            list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
            TensorInfo prev = null;
            for (TensorInfo t : list) {
                if (prev != null && t.begin() < prev.end()) {
                    throw new InvalidInputException(file + ": tensor '" + t.name() + "' bytes [" + t.begin() + ", "
                            + t.end() + ") overlap tensor '" + prev.name() + "' [" + prev.begin() + ", "
                            + prev.end() + ")");
                }
                prev = t;
            }
            // as the safetensors library requires: the tensors tile the data section, no holes, nothing after
            long covered = 0;
            for (TensorInfo t : list) {
                if (t.begin() > covered) {
                    throw new InvalidInputException(file + ": bytes [" + covered + ", " + t.begin() + ") of the data"
                            + " section, before tensor '" + t.name() + "', belong to no tensor; a safetensors file's"
                            + " tensors cover its data without holes, so this one is damaged or was not written by a"
                            + " safetensors library");
                }
                covered = t.end();
            }
            if (covered != dataLen) {
                throw new InvalidInputException(file + ": the tensors end at byte " + covered + " of a data section of "
                        + dataLen + " bytes; the " + (dataLen - covered) + " bytes after them belong to no tensor (the"
                        + " safetensors library refuses such a file: MetadataIncompleteBuffer)");
            }
            LinkedHashMap<String, TensorInfo> map = new LinkedHashMap<>();
            for (TensorInfo t : list) {
                map.put(t.name(), t);
            }
            return new SafetensorsReader(file, ch, 8 + n, map, Collections.unmodifiableMap(meta));
        } catch (IOException ex) {
            throw new InvalidInputException(file + ": cannot read: " + ex.getMessage(), ex);
        }
    }

    private static TensorInfo entry(Path file, String name, JsonNode v, long dataLen) {
        String where = file + ": tensor '" + name + "'";
        if (!v.isObject()) {
            throw new InvalidInputException(where + ": header entry is not an object");
        }
        JsonNode dt = v.get("dtype");
        JsonNode sh = v.get("shape");
        JsonNode off = v.get("data_offsets");
        if (dt == null || !dt.isTextual()) {
            throw new InvalidInputException(where + ": missing dtype");
        }
        int width = dtypeBytes(dt.textValue());
        if (width < 0) {
            throw new InvalidInputException(where + ": unsupported dtype '" + dt.textValue()
                    + "'; weights must be F32, F16 or BF16");
        }
        if (sh == null || !sh.isArray()) {
            throw new InvalidInputException(where + ": missing shape");
        }
        long[] shape = new long[sh.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || d.longValue() < 0) {
                throw new InvalidInputException(where + ": shape " + sh + " has a non-integer or negative entry");
            }
            shape[i] = d.longValue();
            count = Math.multiplyExact(count, shape[i]);
        }
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber()) {
            throw new InvalidInputException(where + ": data_offsets must be [begin, end], found " + off);
        }
        long begin = off.get(0).longValue();
        long end = off.get(1).longValue();
        if (begin < 0 || end < begin || end > dataLen) {
            throw new InvalidInputException(where + ": data_offsets [" + begin + ", " + end
                    + "] fall outside the data section of " + dataLen + " bytes");
        }
        long expected = Math.multiplyExact(count, width);
        if (end - begin != expected) {
            throw new InvalidInputException(where + ": shape " + sh + " x " + dt.textValue() + " (" + width
                    + " bytes) needs " + expected + " bytes but data_offsets span " + (end - begin));
        }
        return new TensorInfo(name, dt.textValue(), shape, begin, end);
    }

    /** Bytes per element of a supported dtype, or -1. */
    public static int dtypeBytes(String dtype) {
        switch (dtype) {
            case "F32":
                return 4;
            case "F16":
            case "BF16":
                return 2;
            default:
                return -1;
        }
    }

    public Path file() {
        return file;
    }

    /** Tensors in file (offset) order. */
    public Map<String, TensorInfo> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /** The {@code __metadata__} entries (empty if none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The stored bytes of one tensor, little-endian, in a heap buffer. */
    public ByteBuffer rawBytes(String name) {
        TensorInfo t = info(name);
        long len = t.end() - t.begin();
        if (len > Integer.MAX_VALUE) {
            throw new InvalidInputException(file + ": tensor '" + name + "' is " + len + " bytes, over 2 GiB");
        }
        ByteBuffer b = ByteBuffer.allocate((int) len).order(ByteOrder.LITTLE_ENDIAN);
        try {
            readFully(channel, b, dataStart + t.begin());
        } catch (IOException ex) {
            throw new InvalidInputException(file + ": tensor '" + name + "': read failed: " + ex.getMessage(), ex);
        }
        b.flip();
        return b;
    }

    /** Reads one tensor as float32 into {@code manager} (F16/BF16 widened exactly). */
    public NDArray readFloat32(String name, NDManager manager) {
        TensorInfo t = info(name);
        float[] f = toFloats(t.dtype(), rawBytes(name));
        return manager.create(f, t.djlShape());
    }

    /** Decodes stored bytes of a supported dtype to floats. */
    public static float[] toFloats(String dtype, ByteBuffer b) {
        b = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = b.remaining() / dtypeBytes(dtype);
        float[] f = new float[n];
        switch (dtype) {
            case "F32":
                b.asFloatBuffer().get(f);
                break;
            case "BF16":
                for (int i = 0; i < n; i++) {
                    f[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                }
                break;
            case "F16":
                for (int i = 0; i < n; i++) {
                    f[i] = HalfFloats.halfToFloat(b.getShort());
                }
                break;
            default:
                throw new IllegalArgumentException("unsupported dtype " + dtype);
        }
        return f;
    }

    private TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new InvalidInputException(file + ": no tensor '" + name + "'");
        }
        return t;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing; the original error is the one to report
        }
    }

    /** DJL type a safetensors dtype maps to. */
    public static DataType djlType(String dtype) {
        switch (dtype) {
            case "F32":
                return DataType.FLOAT32;
            case "F16":
                return DataType.FLOAT16;
            case "BF16":
                return DataType.BFLOAT16;
            default:
                throw new IllegalArgumentException("unsupported dtype " + dtype);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ex) {
            throw new InvalidInputException(file + ": close failed: " + ex.getMessage(), ex);
        }
    }
}

package dev.unlearn.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.TorchKernels;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.model.Precision;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a {@code .safetensors} file from named arrays, stored as F32 or BF16 (round to nearest
 * even). The header is space-padded to a multiple of 8 bytes and carries {@code {"format": "pt"}}
 * metadata as the Python library writes; tensors are laid out in the map's order.
 *
 * <p>The header is computed from the shapes alone, then each tensor is encoded and written in chunks of
 * at most {@link #CHUNK_ELEMENTS} elements (whole rows of its first dimension where a row fits), so the
 * heap holds one chunk at a time rather than the whole checkpoint: saving an 8B model in bfloat16 (16 GB)
 * needs no 16 GB heap, and no tensor meets Java's 2 GiB array limit.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The most elements encoded at once (64 MiB of float32). */
    static final long CHUNK_ELEMENTS = 16L << 20;

    private SafetensorsWriter() {}

    /** Writes {@code tensors} to {@code file}, converting each to {@code storeType} (FLOAT32 or BFLOAT16). */
    public static void write(Path file, Map<String, NDArray> tensors, DataType storeType) {
        write(file, tensors, storeType, CHUNK_ELEMENTS);
    }

    static void write(Path file, Map<String, NDArray> tensors, DataType storeType, long chunkElements) {
        String dt = dtypeName(storeType);
        int width = storeType == DataType.BFLOAT16 ? 2 : 4;
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            long bytes = e.getValue().size() * width;
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dt);
            var shape = t.putArray("shape");
            for (long d : e.getValue().getShape().getShape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] h;
        try {
            h = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UnlearnException("cannot serialise safetensors header: " + ex.getMessage(), ex);
        }
        int padded = (h.length + 7) / 8 * 8;
        byte[] hp = new byte[padded];
        java.util.Arrays.fill(hp, (byte) ' ');
        System.arraycopy(h, 0, hp, 0, h.length);
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(hp);
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                writeTensor(out, e.getValue(), storeType, chunkElements);
            }
        } catch (IOException ex) {
            throw new UnlearnException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** {@code a} encoded chunk by chunk: slices of whole rows of its first dimension, or single rows' worth for a vector. */
    private static void writeTensor(OutputStream out, NDArray a, DataType storeType, long chunkElements) throws IOException {
        long size = a.size();
        Shape shape = a.getShape();
        if (size <= chunkElements || shape.dimension() == 0) {
            out.write(encode(a, storeType));
            return;
        }
        long rows = shape.get(0);
        long perRow = size / rows;
        if (perRow > chunkElements && shape.dimension() > 1) {
            for (long r = 0; r < rows; r++) { // a row larger than a chunk: one row at a time, split again
                try (NDArray row = a.get(new NDIndex().addIndices(r))) {
                    writeTensor(out, row, storeType, chunkElements);
                }
            }
            return;
        }
        long step = Math.max(1, chunkElements / perRow);
        for (long r = 0; r < rows; r += step) {
            try (NDArray part = a.get(new NDIndex().addSliceDim(r, Math.min(rows, r + step)))) {
                out.write(encode(part, storeType));
            }
        }
    }

    /** The safetensors dtype name of a storable DJL type. */
    public static String dtypeName(DataType t) {
        if (t == DataType.FLOAT32) {
            return "F32";
        }
        if (t == DataType.BFLOAT16) {
            return "BF16";
        }
        throw new InvalidInputException("cannot store weights as " + t + "; use FLOAT32 or BFLOAT16");
    }

    private static byte[] encode(NDArray a, DataType storeType) {
        Precision stored = Precision.of(a);
        if (stored == Precision.BF16 && storeType == DataType.BFLOAT16) {
            return a.toByteArray(); // a bfloat16 weight is stored as it is (little-endian, as libtorch holds it)
        }
        float[] f;
        if (a.getDataType() == DataType.FLOAT32) {
            f = a.toFloatArray();
        } else if (stored.half()) {
            try (NDArray f32 = TorchKernels.cast(a, Precision.FP32)) {
                f = f32.toFloatArray();
            }
        } else {
            try (NDArray f32 = a.toType(DataType.FLOAT32, false)) {
                f = f32.toFloatArray();
            }
        }
        if (storeType == DataType.FLOAT32) {
            ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(f);
            return b.array();
        }
        ByteBuffer b = ByteBuffer.allocate(f.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : f) {
            b.putShort(HalfFloats.floatToBf16(v));
        }
        return b.array();
    }

}

package dev.unlearn.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@code .safetensors} file from named arrays, stored as F32 or BF16 (round to nearest
 * even). The header is space-padded to a multiple of 8 bytes and carries {@code {"format": "pt"}}
 * metadata as the Python library writes; tensors are laid out in the map's order.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {}

    /** Writes {@code tensors} to {@code file}, converting each to {@code storeType} (FLOAT32 or BFLOAT16). */
    public static void write(Path file, Map<String, NDArray> tensors, DataType storeType) {
        String dt = dtypeName(storeType);
        List<byte[]> blobs = new ArrayList<>();
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            byte[] b = encode(e.getValue(), storeType);
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dt);
            var shape = t.putArray("shape");
            for (long d : e.getValue().getShape().getShape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + b.length);
            offset += b.length;
            blobs.add(b);
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
            for (byte[] b : blobs) {
                out.write(b);
            }
        } catch (IOException ex) {
            throw new UnlearnException("cannot write " + file + ": " + ex.getMessage(), ex);
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

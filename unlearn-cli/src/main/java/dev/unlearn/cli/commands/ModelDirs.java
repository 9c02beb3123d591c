package dev.unlearn.cli.commands;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.ParseErrors;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks on a model directory before and after it is loaded, each an input error (exit 2) naming the
 * file, key or tensor:
 *
 * <ul>
 *   <li>no symbolic link anywhere in it (a linked {@code generation_config.json} would be copied into
 *       the published model; linked weights would escape the shard-path check);</li>
 *   <li>{@code config.json}'s dimensions are JSON integers and agree with the tensors actually present
 *       in the safetensors headers (layer count, hidden size, vocabulary, MLP width), read before a
 *       single tensor is allocated, so {@code num_hidden_layers: 1e9} cannot allocate anything;</li>
 *   <li>after loading, every weight is finite (NaN or infinity is named by tensor), unless the caller
 *       opts out for inspection.</li>
 * </ul>
 */
public final class ModelDirs {
    private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final long MAX_HEADER = 100L << 20;
    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layers\\.(\\d+)\\.");
    private static final String[] DIMS = {"num_hidden_layers", "hidden_size", "vocab_size", "intermediate_size",
        "num_attention_heads", "num_key_value_heads", "head_dim", "max_position_embeddings"};

    private ModelDirs() {}

    /** {@link #check}, then {@link Checkpoint#load}, then the finiteness check unless {@code allowNonFinite}. */
    public static CausalLm load(Path dir, NDManager m, boolean allowNonFinite) {
        return load(dir, m, allowNonFinite, dev.unlearn.core.model.Precision.FP32);
    }

    /** As {@link #load(Path, NDManager, boolean)} with the matrices stored in {@code precision}. */
    public static CausalLm load(Path dir, NDManager m, boolean allowNonFinite, dev.unlearn.core.model.Precision precision) {
        check(dir);
        CausalLm lm = Checkpoint.load(dir, m, precision);
        finite(dir, lm, allowNonFinite);
        return lm;
    }

    /** As {@link #load(Path, NDManager, boolean)} on a device. */
    public static CausalLm load(Path dir, ai.djl.Device device, boolean allowNonFinite) {
        return load(dir, device, allowNonFinite, dev.unlearn.core.model.Precision.FP32);
    }

    /** As {@link #load(Path, ai.djl.Device, boolean)} with the matrices stored in {@code precision}. */
    public static CausalLm load(Path dir, ai.djl.Device device, boolean allowNonFinite,
            dev.unlearn.core.model.Precision precision) {
        check(dir);
        CausalLm lm = Checkpoint.load(dir, device, precision);
        finite(dir, lm, allowNonFinite);
        return lm;
    }

    /**
     * {@link #check}, then the directory's {@code config.json}, read and validated without loading any
     * weights: a command checks its inputs against it (token ids against {@code vocab_size}) before the
     * load, which takes minutes for a large model.
     */
    public static ModelConfig config(Path dir) {
        check(dir);
        Path cfgFile = dir.resolve(Checkpoint.CONFIG);
        if (!Files.isRegularFile(cfgFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidInputException(cfgFile + ": missing; a model directory needs config.json");
        }
        return ModelConfig.read(cfgFile);
    }

    private static void finite(Path dir, CausalLm lm, boolean allowNonFinite) {
        if (allowNonFinite) {
            return;
        }
        try {
            requireFinite(dir, lm);
        } catch (RuntimeException ex) {
            lm.close();
            throw ex;
        }
    }

    /** Largest model {@link #checkInit} lets a from-scratch run allocate (parameters). */
    static final double MAX_INIT_PARAMETERS = 4e9;

    /**
     * Checks a {@code config.json} for a model trained from scratch, where no tensors exist to compare
     * with: dimensions are JSON integers and the parameter count they imply is bounded, so a size bomb
     * is refused before anything is allocated.
     */
    public static void checkInit(Path cfgFile) {
        JsonNode cfg;
        try {
            cfg = STRICT.readTree(cfgFile.toFile());
        } catch (IOException ex) {
            throw new InvalidInputException(cfgFile + ": not valid JSON: " + ParseErrors.describe(ex), ex);
        }
        Map<String, Long> d = dims(cfgFile, cfg);
        double h = d.getOrDefault("hidden_size", 1L);
        double params = d.getOrDefault("num_hidden_layers", 1L) * (4 * h * h + 3 * h * d.getOrDefault("intermediate_size", 1L))
                + 2 * h * d.getOrDefault("vocab_size", 1L);
        if (params > MAX_INIT_PARAMETERS) {
            throw new InvalidInputException(cfgFile + ": these dimensions (num_hidden_layers, hidden_size, intermediate_size,"
                    + " vocab_size) make about " + String.format("%.3g", params) + " parameters, more than this toolkit"
                    + " trains from scratch (" + String.format("%.0g", MAX_INIT_PARAMETERS) + "); refusing before allocating");
        }
    }

    private static Map<String, Long> dims(Path cfgFile, JsonNode cfg) {
        Map<String, Long> dims = new LinkedHashMap<>();
        for (String k : DIMS) {
            JsonNode n = cfg.get(k);
            if (n == null || n.isNull()) {
                continue;
            }
            if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > Integer.MAX_VALUE) {
                throw new InvalidInputException(cfgFile + ": " + k + " must be a positive integer, found " + n);
            }
            dims.put(k, n.asLong());
        }
        return dims;
    }

    /** Refuses links in the directory and config dimensions that disagree with the tensors present. */
    public static void check(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("model directory " + dir + " does not exist or is not a directory");
        }
        if (Files.isSymbolicLink(dir)) {
            throw new InvalidInputException("model directory " + dir + " is a symbolic link; give the real directory");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isSymbolicLink(p)) {
                    throw new InvalidInputException("model directory " + dir + ": " + dir.relativize(p)
                            + " is a symbolic link; links in a model directory are refused (they could pull files from"
                            + " outside it into a published model)");
                }
            }
        } catch (IOException ex) {
            throw new InvalidInputException("cannot list model directory " + dir + ": " + ex.getMessage(), ex);
        }
        Path cfgFile = dir.resolve(Checkpoint.CONFIG);
        if (!Files.isRegularFile(cfgFile, LinkOption.NOFOLLOW_LINKS)) {
            return; // Checkpoint.load names the missing file
        }
        JsonNode cfg;
        try {
            cfg = STRICT.readTree(cfgFile.toFile());
        } catch (IOException ex) {
            throw new InvalidInputException(cfgFile + ": not valid JSON: " + ParseErrors.describe(ex), ex);
        }
        Map<String, Long> dims = dims(cfgFile, cfg);
        Map<String, long[]> shapes = shapes(dir);
        if (shapes.isEmpty()) {
            return; // Checkpoint.load names the missing weights
        }
        TreeSet<Integer> layers = new TreeSet<>();
        long[] embed = null;
        long[] down = null;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            Matcher m = LAYER.matcher(e.getKey());
            if (m.find()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
            if (e.getKey().endsWith("embed_tokens.weight")) {
                embed = e.getValue();
            }
            if (down == null && e.getKey().endsWith("mlp.down_proj.weight")) {
                down = e.getValue();
            }
        }
        Long nl = dims.get("num_hidden_layers");
        if (nl != null && !layers.isEmpty() && nl != layers.size()) {
            throw new InvalidInputException(cfgFile + ": num_hidden_layers " + nl + " disagrees with the weights, which hold "
                    + layers.size() + " layers; refusing before allocating anything");
        }
        if (embed != null && embed.length == 2) {
            agree(cfgFile, dims, "vocab_size", embed[0], "embed_tokens.weight rows");
            agree(cfgFile, dims, "hidden_size", embed[1], "embed_tokens.weight columns");
        }
        if (down != null && down.length == 2) {
            agree(cfgFile, dims, "intermediate_size", down[1], "mlp.down_proj.weight columns");
        }
    }

    private static void agree(Path cfg, Map<String, Long> dims, String key, long actual, String what) {
        Long v = dims.get(key);
        if (v != null && v != actual) {
            throw new InvalidInputException(cfg + ": " + key + " " + v + " disagrees with the weights (" + what + " = "
                    + actual + "); refusing before allocating anything");
        }
    }

    /** Tensor name to shape from every safetensors header in {@code dir}, without reading any tensor data. */
    static Map<String, long[]> shapes(Path dir) {
        Map<String, long[]> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s.sorted()::iterator) {
                if (!f.getFileName().toString().endsWith(".safetensors")) {
                    continue;
                }
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                    if (ch.read(b, 0) < 8) {
                        throw new InvalidInputException(f + ": shorter than a safetensors header");
                    }
                    long n = b.flip().getLong();
                    if (n <= 0 || n > Math.min(MAX_HEADER, ch.size() - 8)) {
                        throw new InvalidInputException(f + ": safetensors header length " + n + " is out of bounds (file "
                                + ch.size() + " bytes, limit " + MAX_HEADER + ")");
                    }
                    ByteBuffer h = ByteBuffer.allocate((int) n);
                    while (h.hasRemaining() && ch.read(h, 8 + h.position()) > 0) {
                        // read the whole header
                    }
                    JsonNode j = STRICT.readTree(new String(h.array(), StandardCharsets.UTF_8));
                    for (Iterator<Map.Entry<String, JsonNode>> it = j.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        JsonNode shape = e.getValue().get("shape");
                        if (e.getKey().equals("__metadata__") || shape == null || !shape.isArray()) {
                            continue;
                        }
                        long[] d = new long[shape.size()];
                        for (int i = 0; i < d.length; i++) {
                            d[i] = shape.get(i).asLong();
                        }
                        out.put(e.getKey(), d);
                    }
                } catch (IOException ex) {
                    throw new InvalidInputException(f + ": unreadable safetensors header: "
                            + ParseErrors.describe(ex), ex);
                }
            }
        } catch (IOException ex) {
            throw new InvalidInputException("cannot list model directory " + dir + ": " + ex.getMessage(), ex);
        }
        return out;
    }

    /** Refuses a model with a NaN or infinite weight, naming the first such tensor. */
    public static void requireFinite(Path dir, CausalLm lm) {
        for (Map.Entry<String, NDArray> e : lm.parameters().entrySet()) {
            NDArray a = e.getValue();
            boolean nan;
            boolean inf;
            try (NDArray n = a.isNaN(); NDArray na = n.any(); NDArray i = a.isInfinite(); NDArray ia = i.any()) {
                nan = na.getBoolean();
                inf = ia.getBoolean();
            }
            if (nan || inf) {
                throw new InvalidInputException("model " + dir + ": tensor " + e.getKey() + " holds "
                        + (nan ? "NaN" : "infinite") + " values; refusing to use it (pass --allow-nonfinite to inspect it"
                        + " anyway)");
            }
        }
    }
}

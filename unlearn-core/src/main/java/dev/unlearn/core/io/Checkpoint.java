package dev.unlearn.core.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.model.ParameterTable;
import dev.unlearn.core.model.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * Reads and writes a Hugging Face model directory: {@code config.json} plus {@code model.safetensors}
 * or shards listed in {@code model.safetensors.index.json}. Loading validates everything (see
 * {@link SafetensorsReader}, plus missing/unexpected tensors, shapes against the config) and computes
 * in float32. Two extra tensors are accepted because HF itself writes them: {@code *.rotary_emb.inv_freq}
 * buffers (recomputed from {@code rope_theta}) and an {@code lm_head.weight} equal to the embedding
 * when {@code tie_word_embeddings} is true (a different one is an error). Saving is atomic (a temporary directory beside the target, then a rename), copies the
 * tokenizer files through and writes {@code manifest.json} with the SHA-256 of each file.
 */
public final class Checkpoint {
    /** Tokenizer and generation files copied through on save when present in the source directory. */
    public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "generation_config.json", "tokenizer.model", "vocab.json", "merges.txt",
            "chat_template.jinja");
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    public static final String MANIFEST = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<CausalLm, Path> SOURCES = Collections.synchronizedMap(new WeakHashMap<>());

    private Checkpoint() {}

    /** Loads a model directory onto {@code device}; the model owns its manager (close it). */
    public static CausalLm load(Path dir, Device device) {
        return load(dir, device, Precision.FP32);
    }

    /**
     * Loads a model directory onto {@code device} with its matrices stored in {@code precision}, each tensor
     * converted as it is read (a bf16 or fp16 checkpoint loaded as bf16 is never widened as a whole); the
     * model owns its manager (close it).
     */
    public static CausalLm load(Path dir, Device device, Precision precision) {
        Engines.pytorch();
        NDManager base = NDManager.newBaseManager(device);
        try {
            return load(dir, base, device, true, precision);
        } catch (RuntimeException ex) {
            base.close();
            throw ex;
        }
    }

    /** Loads a model directory into a new child of {@code parent}. */
    public static CausalLm load(Path dir, NDManager parent) {
        return load(dir, parent, Precision.FP32);
    }

    /** Loads a model directory into a new child of {@code parent}, its matrices stored in {@code precision}. */
    public static CausalLm load(Path dir, NDManager parent, Precision precision) {
        Engines.pytorch();
        return load(dir, parent, parent.getDevice(), false, precision);
    }

    private static CausalLm load(Path dir, NDManager parent, Device device, boolean own, Precision precision) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(dir + ": not a directory; expected a Hugging Face model directory"
                    + " with config.json and model.safetensors");
        }
        Path cfgFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(cfgFile)) {
            throw new InvalidInputException(cfgFile + ": missing; a model directory needs config.json");
        }
        ModelConfig config = ModelConfig.read(cfgFile);
        Map<String, Path> where = tensorFiles(dir);
        LinkedHashMap<String, Shape> expected = ParameterTable.shapes(config);
        List<SafetensorsReader> readers = new ArrayList<>();
        NDManager scratch = parent.newSubManager(device);
        try {
            Map<Path, SafetensorsReader> byFile = new LinkedHashMap<>();
            for (Path f : new java.util.LinkedHashSet<>(where.values())) {
                SafetensorsReader r = SafetensorsReader.open(f);
                readers.add(r);
                byFile.put(f, r);
            }
            for (Map.Entry<String, Path> e : where.entrySet()) {
                if (!byFile.get(e.getValue()).tensors().containsKey(e.getKey())) {
                    throw new InvalidInputException(dir.resolve(INDEX) + ": weight_map sends tensor '" + e.getKey()
                            + "' to " + e.getValue().getFileName() + ", which does not contain it");
                }
            }
            for (SafetensorsReader r : readers) {
                for (String n : r.tensors().keySet()) {
                    if (!r.file().equals(where.get(n))) {
                        throw new InvalidInputException(r.file() + ": tensor '" + n + "' is not listed for this"
                                + " file in " + INDEX);
                    }
                }
            }
            LinkedHashMap<String, NDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> e : expected.entrySet()) {
                String n = e.getKey();
                Path f = where.get(n);
                if (f == null) {
                    throw new InvalidInputException(dir + ": missing tensor '" + n + "' (shape " + e.getValue()
                            + ") required by " + config + " in " + cfgFile.getFileName());
                }
                SafetensorsReader.TensorInfo ti = byFile.get(f).tensors().get(n);
                if (!ti.djlShape().equals(e.getValue())) {
                    throw new InvalidInputException(f + ": tensor '" + n + "' has shape " + ti.djlShape()
                            + " but config.json implies " + e.getValue());
                }
            }
            for (String n : where.keySet()) {
                if (expected.containsKey(n) || n.endsWith("rotary_emb.inv_freq")) {
                    continue;
                }
                if (n.equals(ParameterTable.LM_HEAD) && config.tieWordEmbeddings()) {
                    SafetensorsReader a = byFile.get(where.get(n));
                    SafetensorsReader b = byFile.get(where.get(ParameterTable.EMBED));
                    float[] x = SafetensorsReader.toFloats(a.tensors().get(n).dtype(), a.rawBytes(n));
                    float[] y = SafetensorsReader.toFloats(b.tensors().get(ParameterTable.EMBED).dtype(),
                            b.rawBytes(ParameterTable.EMBED));
                    if (java.util.Arrays.equals(x, y)) {
                        continue;
                    }
                    throw new InvalidInputException(where.get(n) + ": tensor '" + n + "' differs from "
                            + ParameterTable.EMBED + " but config.json says tie_word_embeddings=true");
                }
                throw new InvalidInputException(where.get(n) + ": unexpected tensor '" + n + "' for " + config
                        + " (check model_type and attention_bias in config.json)");
            }
            for (String n : expected.keySet()) {
                weights.put(n, CausalLm.stored(byFile.get(where.get(n)).readFloat32(n, scratch), precision));
            }
            CausalLm lm = CausalLm.fromParameters(config, parent, device, weights, own);
            SOURCES.put(lm, dir.toAbsolutePath().normalize());
            return lm;
        } finally {
            for (SafetensorsReader r : readers) {
                r.close();
            }
            scratch.close();
        }
    }

    /** Tensor name to file: the single file, or the index's weight_map (files checked to exist). */
    private static Map<String, Path> tensorFiles(Path dir) {
        Path single = dir.resolve(WEIGHTS);
        Path index = dir.resolve(INDEX);
        Map<String, Path> out = new LinkedHashMap<>();
        if (Files.isRegularFile(index)) {
            JsonNode root;
            try {
                root = JSON.readTree(index.toFile());
            } catch (IOException ex) {
                throw new InvalidInputException(index + ": cannot parse: " + ParseErrors.describe(ex), ex);
            }
            JsonNode wm = root == null ? null : root.get("weight_map");
            if (wm == null || !wm.isObject() || wm.isEmpty()) {
                throw new InvalidInputException(index + ": key 'weight_map' missing or empty");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String fn = e.getValue().asText();
                Path f = dir.resolve(fn).normalize();
                if (!f.startsWith(dir.normalize()) || fn.contains("/") || fn.contains("\\")) {
                    throw new InvalidInputException(index + ": tensor '" + e.getKey() + "' maps to '" + fn
                            + "', outside the model directory");
                }
                if (!Files.isRegularFile(f)) {
                    throw new InvalidInputException(index + ": tensor '" + e.getKey() + "' maps to missing file "
                            + fn);
                }
                out.put(e.getKey(), f);
            }
            return out;
        }
        if (!Files.isRegularFile(single)) {
            throw new InvalidInputException(dir + ": no " + WEIGHTS + " or " + INDEX + " found");
        }
        try (SafetensorsReader r = SafetensorsReader.open(single)) {
            for (String n : r.tensors().keySet()) {
                out.put(n, single);
            }
        }
        return out;
    }

    /**
     * Saves a model as a Hugging Face directory at {@code outDir}: config.json (torch_dtype set to the
     * stored type), model.safetensors, tokenizer files copied from {@code tokenizerSourceDir} (may be
     * null) and manifest.json. Written to a temporary directory beside {@code outDir}, then renamed
     * into place; an existing {@code outDir} is replaced, unless it is the directory the model or the
     * tokenizer came from, which is refused.
     *
     * @param storeType FLOAT32 or BFLOAT16
     * @return the manifest's file digests (relative path to SHA-256)
     */
    public static Map<String, String> save(CausalLm model, Path outDir, Path tokenizerSourceDir, DataType storeType) {
        SafetensorsWriter.dtypeName(storeType);
        Path target = outDir.toAbsolutePath().normalize();
        Path source = SOURCES.get(model);
        for (Path protectedDir : new Path[] {source, tokenizerSourceDir}) {
            if (protectedDir != null && sameDir(protectedDir.toAbsolutePath().normalize(), target)) {
                throw new InvalidInputException(outDir + ": refusing to overwrite the source model directory;"
                        + " save to a new directory");
            }
        }
        Path parentDir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(parentDir);
            tmp = StagingDirs.create(parentDir, "." + target.getFileName() + ".tmp-");
            ObjectNode cfg = model.config().json();
            cfg.put("torch_dtype", storeType == DataType.BFLOAT16 ? "bfloat16" : "float32");
            Files.writeString(tmp.resolve(CONFIG), JSON.writeValueAsString(cfg) + "\n");
            SafetensorsWriter.write(tmp.resolve(WEIGHTS), model.parameters(), storeType);
            if (tokenizerSourceDir != null) {
                for (String f : TOKENIZER_FILES) {
                    Path src = tokenizerSourceDir.resolve(f);
                    if (Files.isRegularFile(src)) {
                        Files.copy(src, tmp.resolve(f));
                    }
                }
            }
            Map<String, String> digests = new TreeMap<>(Digests.directoryManifest(tmp));
            ObjectNode man = JSON.createObjectNode();
            man.put("format", "unlearn-checkpoint/1");
            man.put("store_dtype", SafetensorsWriter.dtypeName(storeType));
            ObjectNode files = man.putObject("files");
            digests.forEach(files::put);
            Files.writeString(tmp.resolve(MANIFEST), JSON.writeValueAsString(man) + "\n");
            StagingDirs.swapIn(tmp, target);
            tmp = null;
            return Collections.unmodifiableMap(digests);
        } catch (IOException ex) {
            throw new UnlearnException("cannot save checkpoint to " + outDir + ": " + ex.getMessage(), ex);
        } finally {
            if (tmp != null) {
                StagingDirs.deleteTree(tmp);
            }
        }
    }

    /** Checks every file listed in {@code manifest.json} against its SHA-256; returns the mismatches. */
    public static List<String> verifyManifest(Path dir) {
        List<String> bad = new ArrayList<>();
        try {
            JsonNode files = JSON.readTree(dir.resolve(MANIFEST).toFile()).get("files");
            for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                Path f = dir.resolve(e.getKey());
                if (!Files.isRegularFile(f) || !Digests.sha256(f).equals(e.getValue().asText())) {
                    bad.add(e.getKey());
                }
            }
        } catch (IOException | RuntimeException ex) {
            throw new InvalidInputException(dir.resolve(MANIFEST) + ": cannot read: " + ex.getMessage(), ex);
        }
        return bad;
    }

    private static boolean sameDir(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException ignored) {
            // fall through to the path comparison
        }
        return a.equals(b);
    }
}

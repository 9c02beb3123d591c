package dev.unlearn.eval.tofu;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads and writes TOFU eval logs: the four per-task files and {@code eval_log_aggregated.json} whose
 * top-level keys are the four file names.
 *
 * <p>Reference matched: {@code locuslab/tofu@bdc209e evaluate_util.py} ({@code json.dump(..., indent=4)});
 * spec §2.11. Reading accepts {@code NaN}/{@code Infinity} (rejected later, naming file, field and
 * index) and unknown extra files; writing uses 4-space indentation, ASCII escapes and Python float
 * {@code repr}, in {@link TofuTask} order.
 */
public final class TofuLogs {
    /** Name of the aggregated file. */
    public static final String AGGREGATED = "eval_log_aggregated.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private TofuLogs() {}

    /**
     * Reads the logs of one model: an aggregated file, or a directory holding either
     * {@value #AGGREGATED} or the four per-task files.
     *
     * @return task → log, for every task found (in task order)
     */
    public static Map<TofuTask, TofuTaskLog> read(Path path) {
        if (Files.isDirectory(path)) {
            Map<TofuTask, TofuTaskLog> out = new EnumMap<>(TofuTask.class);
            for (TofuTask t : TofuTask.values()) {
                Path f = path.resolve(t.fileName());
                if (Files.isRegularFile(f)) {
                    out.put(t, new TofuTaskLog(t, f.toString(), object(parse(f), f.toString())));
                }
            }
            if (out.isEmpty() && Files.isRegularFile(path.resolve(AGGREGATED))) {
                return readAggregated(path.resolve(AGGREGATED));
            }
            if (out.isEmpty()) {
                throw new InvalidInputException(path + " holds no TOFU eval log: expected " + AGGREGATED
                        + " or the files eval_log.json, eval_real_author_wo_options.json, eval_real_world_wo_options.json, eval_log_forget.json");
            }
            return out;
        }
        return readAggregated(path);
    }

    /** Reads an aggregated file; top-level keys must be task file names. */
    public static Map<TofuTask, TofuTaskLog> readAggregated(Path file) {
        ObjectNode root = object(parse(file), file.toString());
        Map<TofuTask, TofuTaskLog> out = new EnumMap<>(TofuTask.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            TofuTask t = TofuTask.byFileName(e.getKey()).orElseThrow(() -> new InvalidInputException(file + ": top-level key '"
                    + e.getKey() + "' is not a TOFU task file name; expected keys like eval_log_forget.json"));
            String src = file + "[" + e.getKey() + "]";
            out.put(t, new TofuTaskLog(t, src, object(e.getValue(), src)));
        }
        return out;
    }

    /** Writes one per-task file into a directory, named after its task. */
    public static Path writeTask(Path dir, TofuTaskLog log) {
        Path f = dir.resolve(log.task().fileName());
        writeString(f, PythonJson.write(log.json(), 4));
        return f;
    }

    /** Writes the aggregated file of the given logs, in task order. */
    public static void writeAggregated(Path file, Map<TofuTask, TofuTaskLog> logs) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (TofuTask t : TofuTask.values()) {
            TofuTaskLog l = logs.get(t);
            if (l != null) {
                root.set(t.fileName(), l.json());
            }
        }
        writeString(file, PythonJson.write(root, 4));
    }

    private static void writeString(Path f, String text) {
        try {
            if (f.getParent() != null) {
                Files.createDirectories(f.getParent());
            }
            Files.writeString(f, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new InvalidInputException("cannot write TOFU log " + f + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(Path f) {
        try {
            return MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new InvalidInputException("cannot read TOFU log " + f + ": " + ParseErrors.describe(e), e);
        }
    }

    private static ObjectNode object(JsonNode n, String src) {
        if (n == null || !n.isObject()) {
            throw new InvalidInputException(src + " is not a JSON object");
        }
        return (ObjectNode) n;
    }
}

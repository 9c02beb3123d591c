package dev.unlearn.eval.tofu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * One TOFU per-task eval log ({@code eval_log_forget.json} etc.): field → (row index string → value),
 * kept as an ordered JSON tree so that reading and writing preserve key order and values.
 *
 * <p>Reference matched: {@code locuslab/tofu@bdc209e evaluate_util.py} output; spec §2.2, §2.11.
 * Accessors align per-sample maps by key, never by position, and reject non-finite values naming
 * the source, field and index.
 */
public final class TofuTaskLog {
    /** Field order of a log file (§2.2); {@code normalized_gt_loss} only for RA/WF. */
    public static final List<String> FIELDS = List.of("avg_gt_loss", "gt_loss", "num_token_gt", "generated_text",
            "rouge1_recall", "rougeL_recall", "average_perturb_loss", "avg_paraphrased_loss", "truth_ratio",
            "paraphrased_loss", "perturb_loss", "num_token_paraphrased", "num_token_perturb", "normalized_gt_loss");

    private final TofuTask task;
    private final String source;
    private final ObjectNode json;

    /**
     * Wraps a parsed log.
     *
     * @param task which task the log belongs to
     * @param source file name or path, for messages
     * @param json the parsed object
     */
    public TofuTaskLog(TofuTask task, String source, ObjectNode json) {
        this.task = task;
        this.source = source;
        this.json = json;
        for (String f : List.of("avg_gt_loss", "rougeL_recall", "average_perturb_loss", "avg_paraphrased_loss")) {
            if (!json.has(f) || !json.get(f).isObject()) {
                throw new InvalidInputException(source + ": field '" + f + "' is missing or not an object of per-sample values; "
                        + "is this a TOFU " + task.fileName() + " eval log?");
            }
        }
    }

    /** The task. */
    public TofuTask task() {
        return task;
    }

    /** File name or path it came from. */
    public String source() {
        return source;
    }

    /** The JSON tree (mutable; treat as read-only). */
    public ObjectNode json() {
        return json;
    }

    /** Sample keys in file order, taken from {@code avg_gt_loss}. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        json.get("avg_gt_loss").fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Number of samples. */
    public int size() {
        return json.get("avg_gt_loss").size();
    }

    /** Scalar values of a field for the given keys, in that order. */
    public double[] scalars(String field, List<String> keys) {
        JsonNode f = field(field);
        double[] out = new double[keys.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = finite(value(f, field, keys.get(i)), field, keys.get(i));
        }
        return out;
    }

    /** Array values (e.g. {@code average_perturb_loss}) of a field for the given keys. */
    public double[][] arrays(String field, List<String> keys) {
        JsonNode f = field(field);
        double[][] out = new double[keys.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = value(f, field, keys.get(i));
            if (!v.isArray() || v.isEmpty()) {
                throw new InvalidInputException(source + ": " + field + "[\"" + keys.get(i) + "\"] should be a non-empty array, found " + v);
            }
            out[i] = new double[v.size()];
            for (int j = 0; j < v.size(); j++) {
                out[i][j] = finite(v.get(j), field, keys.get(i));
            }
        }
        return out;
    }

    /** The question/input text of a sample ({@code generated_text[0]}), when the log has it. */
    public Optional<String> input(String key) {
        JsonNode g = json.get("generated_text");
        if (g == null || !g.has(key) || !g.get(key).isArray() || g.get(key).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(g.get(key).get(0).asText());
    }

    private JsonNode field(String field) {
        JsonNode f = json.get(field);
        if (f == null || !f.isObject()) {
            throw new InvalidInputException(source + ": field '" + field + "' is missing");
        }
        return f;
    }

    private JsonNode value(JsonNode f, String field, String key) {
        JsonNode v = f.get(key);
        if (v == null) {
            throw new InvalidInputException(source + ": field '" + field + "' has no sample \"" + key
                    + "\" although avg_gt_loss has it; per-sample maps must share keys");
        }
        return v;
    }

    private double finite(JsonNode v, String field, String key) {
        if (!v.isNumber()) {
            throw new InvalidInputException(source + ": " + field + "[\"" + key + "\"] is not a number: " + v);
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw new InvalidInputException(source + ": " + field + "[\"" + key + "\"] is " + d + "; the metric needs finite values");
        }
        return d;
    }

    /**
     * Builds a log from per-sample values computed here, in the reference field order, deriving
     * {@code truth_ratio} and, for RA/WF, {@code normalized_gt_loss}.
     *
     * @param task the task
     * @param samples row index → logged values
     */
    public static TofuTaskLog fromSamples(TofuTask task, SortedMap<Integer, TofuSampleLog> samples) {
        JsonNodeFactory nf = JsonNodeFactory.instance;
        ObjectNode root = nf.objectNode();
        for (String f : FIELDS) {
            if (!f.equals("normalized_gt_loss") || task.multipleChoice()) {
                root.putObject(f);
            }
        }
        for (Map.Entry<Integer, TofuSampleLog> e : samples.entrySet()) {
            String k = Integer.toString(e.getKey());
            TofuSampleLog s = e.getValue();
            ((ObjectNode) root.get("avg_gt_loss")).put(k, s.gt().mean());
            ((ObjectNode) root.get("gt_loss")).put(k, s.gt().sum());
            ((ObjectNode) root.get("num_token_gt")).put(k, s.gt().count());
            ArrayNode gen = ((ObjectNode) root.get("generated_text")).putArray(k);
            for (String t : s.generatedText()) {
                gen.add(t);
            }
            ((ObjectNode) root.get("rouge1_recall")).put(k, s.rouge1Recall());
            ((ObjectNode) root.get("rougeL_recall")).put(k, s.rougeLRecall());
            ArrayNode avgPert = ((ObjectNode) root.get("average_perturb_loss")).putArray(k);
            ArrayNode sumPert = nf.arrayNode();
            ArrayNode numPert = nf.arrayNode();
            double[] pertMeans = new double[s.perturbed().length];
            for (int j = 0; j < pertMeans.length; j++) {
                AnswerLoss l = s.perturbed()[j];
                pertMeans[j] = l.mean();
                avgPert.add(l.mean());
                sumPert.add(l.sum());
                numPert.add(l.count());
            }
            ((ObjectNode) root.get("avg_paraphrased_loss")).put(k, s.paraphrased().mean());
            double tr = TofuFormulas.truthRatio(new double[] {s.paraphrased().mean()}, new double[][] {pertMeans})[0];
            ((ObjectNode) root.get("truth_ratio")).put(k, tr);
            ((ObjectNode) root.get("paraphrased_loss")).put(k, s.paraphrased().sum());
            ((ObjectNode) root.get("perturb_loss")).set(k, sumPert);
            ((ObjectNode) root.get("num_token_paraphrased")).put(k, s.paraphrased().count());
            ((ObjectNode) root.get("num_token_perturb")).set(k, numPert);
            if (task.multipleChoice()) {
                double p = TofuFormulas.probabilityWithOptionsPerSample(new double[] {s.gt().mean()}, new double[][] {pertMeans}, 0)[0];
                ((ObjectNode) root.get("normalized_gt_loss")).put(k, -Math.log(p));
            }
        }
        return new TofuTaskLog(task, task.fileName(), root);
    }

    /** Field names present, in file order. */
    public List<String> fieldNames() {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}

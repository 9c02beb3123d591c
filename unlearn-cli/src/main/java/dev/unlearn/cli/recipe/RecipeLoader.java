package dev.unlearn.cli.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and validates a recipe. Every error names the file and the path of the offending key
 * ({@code methods[2].train.lr}), says what was expected and, for unknown keys, lists the valid ones.
 */
public final class RecipeLoader {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    /** Suites the evaluator knows. */
    public static final Set<String> SUITES = Set.of("tofu", "muse", "mia", "representation", "refusal", "leakage");

    private RecipeLoader() {}

    public static Recipe load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("recipe " + file + " does not exist");
        }
        Recipe r;
        try {
            r = YAML.readValue(file.toFile(), Recipe.class);
        } catch (JsonMappingException ex) {
            if (ex.getCause() instanceof StreamReadException parse) {
                throw new InvalidInputException("recipe " + file + " is not valid YAML: " + parse.getOriginalMessage()
                        + location(parse), ex);
            }
            throw new InvalidInputException("recipe " + file + ": " + describe(ex), ex);
        } catch (JsonProcessingException ex) {
            throw new InvalidInputException("recipe " + file + " is not valid YAML: " + ex.getOriginalMessage()
                    + location(ex), ex);
        } catch (IOException ex) {
            throw new InvalidInputException("cannot read recipe " + file + ": " + ex.getMessage(), ex);
        }
        if (r == null) {
            throw new InvalidInputException("recipe " + file + " is empty");
        }
        List<String> problems = validate(r);
        if (!problems.isEmpty()) {
            throw new InvalidInputException("recipe " + file + ": " + String.join("; ", problems));
        }
        return r;
    }

    /** Semantic checks after binding; each problem names its key path. */
    static List<String> validate(Recipe r) {
        List<String> p = new ArrayList<>();
        if (r.data() == null) {
            p.add("data: required (one of builtin, tofu, muse)");
        } else {
            int n = (r.data().builtin() != null ? 1 : 0) + (r.data().tofu() != null ? 1 : 0) + (r.data().muse() != null ? 1 : 0);
            if (n != 1) {
                p.add("data: give exactly one of builtin, tofu, muse (found " + n + ")");
            }
            if (r.data().builtin() != null) {
                Recipe.BuiltinData b = r.data().builtin();
                if (b.authors() != null && b.authors() < 2) {
                    p.add("data.builtin.authors: must be at least 2, found " + b.authors());
                }
            }
            if (r.data().tofu() != null && r.data().tofu().dir() == null) {
                p.add("data.tofu.dir: required");
            }
            if (r.data().muse() != null && (r.data().muse().dir() == null) == (r.data().muse().builtin() == null)) {
                p.add("data.muse: give exactly one of dir, builtin");
            }
        }
        if (r.model() == null) {
            p.add("model: required (checkpoint or init)");
        } else if ((r.model().checkpoint() == null) == (r.model().init() == null)) {
            p.add("model: give exactly one of checkpoint, init");
        } else if (r.model().init() != null) {
            Recipe.InitSpec i = r.model().init();
            positive(p, "model.init.hidden_size", i.hiddenSize());
            positive(p, "model.init.layers", i.layers());
            positive(p, "model.init.heads", i.heads());
            positive(p, "model.init.kv_heads", i.kvHeads());
            positive(p, "model.init.intermediate_size", i.intermediateSize());
            if (i.hiddenSize() != null && i.heads() != null && i.heads() > 0 && i.hiddenSize() % i.heads() != 0) {
                p.add("model.init.hidden_size: " + i.hiddenSize() + " is not divisible by heads " + i.heads());
            }
            if (i.heads() != null && i.kvHeads() != null && i.kvHeads() > 0 && i.heads() % i.kvHeads() != 0) {
                p.add("model.init.kv_heads: heads " + i.heads() + " is not a multiple of kv_heads " + i.kvHeads());
            }
        }
        if (r.finetune() != null) {
            train(p, "finetune", r.finetune().asTrain());
        }
        if (r.methods() == null || r.methods().isEmpty()) {
            p.add("methods: list at least one method run");
        } else {
            Set<String> labels = new TreeSet<>();
            for (int k = 0; k < r.methods().size(); k++) {
                Recipe.MethodRun m = r.methods().get(k);
                String at = "methods[" + k + "]";
                if (m == null || m.method() == null || m.method().isBlank()) {
                    p.add(at + ".method: required");
                    continue;
                }
                if (!labels.add(m.label())) {
                    p.add(at + ".name: '" + m.label() + "' is used twice; give each run a distinct name");
                }
                if (m.train() != null) {
                    train(p, at + ".train", m.train());
                }
            }
        }
        if (r.eval() != null && r.eval().suites() != null) {
            for (int k = 0; k < r.eval().suites().size(); k++) {
                String s = r.eval().suites().get(k);
                if (!SUITES.contains(s)) {
                    p.add("eval.suites[" + k + "]: unknown suite '" + s + "'; valid: " + new TreeSet<>(SUITES));
                }
            }
        }
        return p;
    }

    private static void train(List<String> p, String at, Recipe.TrainSpec t) {
        positive(p, at + ".epochs", t.epochs());
        positive(p, at + ".max_steps", t.maxSteps());
        positive(p, at + ".batch_size", t.batchSize());
        positive(p, at + ".grad_accum", t.gradAccum());
        if (t.lr() != null && !(t.lr() > 0)) {
            p.add(at + ".lr: must be > 0, found " + t.lr());
        }
        if (t.weightDecay() != null && t.weightDecay() < 0) {
            p.add(at + ".weight_decay: must be >= 0, found " + t.weightDecay());
        }
        if (t.schedule() != null && !Set.of("linear", "cosine", "constant").contains(t.schedule())) {
            p.add(at + ".schedule: unknown '" + t.schedule() + "'; valid: [constant, cosine, linear]");
        }
    }

    private static void positive(List<String> p, String key, Integer v) {
        if (v != null && v <= 0) {
            p.add(key + ": must be > 0, found " + v);
        }
    }

    /** One-line description of a binding error: key path, expected type, valid keys. */
    public static String describe(JsonMappingException ex) {
        String path = path(ex.getPath());
        if (ex instanceof UnrecognizedPropertyException u) {
            TreeSet<String> known = new TreeSet<>();
            if (u.getKnownPropertyIds() != null) {
                u.getKnownPropertyIds().forEach(o -> known.add(String.valueOf(o)));
            }
            return "unknown key '" + path + "'; valid keys here: " + known + location(ex);
        }
        if (ex instanceof InvalidFormatException f) {
            return path + ": expected " + typeName(f.getTargetType()) + ", found '" + f.getValue() + "'" + location(ex);
        }
        if (ex instanceof MismatchedInputException m) {
            return path + ": expected " + typeName(m.getTargetType()) + location(ex);
        }
        return path + ": " + ex.getOriginalMessage() + location(ex);
    }

    private static String typeName(Class<?> c) {
        if (c == null) {
            return "a different type";
        }
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
            return "an integer";
        }
        if (c == Double.class || c == double.class) {
            return "a number";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "true or false";
        }
        if (c == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(c)) {
            return "a list";
        }
        return "a mapping (" + c.getSimpleName() + ")";
    }

    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(top level)" : sb.toString();
    }

    private static String location(JsonProcessingException ex) {
        return ex.getLocation() == null ? "" : " (line " + ex.getLocation().getLineNr() + ")";
    }
}

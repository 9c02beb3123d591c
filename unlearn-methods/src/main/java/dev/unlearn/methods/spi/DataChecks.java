package dev.unlearn.methods.spi;

import dev.unlearn.core.InvalidInputException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Data checks of methods.md §1.5 shared by every method. Messages name record ids, never text
 * (the forget set may hold personal data).
 */
public final class DataChecks {
    private DataChecks() {}

    /** Empty forget set, overlap, missing retain set, missing reference model. */
    public static void checkCommon(String method, MethodConfig config, MethodContext<?> ctx) {
        requireForget(method, ctx.forget());
        requireDisjoint(ctx.forget(), ctx.retain());
        if (config.needsRetain() && ctx.retain().isEmpty()) {
            throw new InvalidInputException("Method '" + method + "' needs a retain set, but it is empty or was not given: "
                    + config.retainReason() + ".");
        }
        if (config.needsReference() && !ctx.hasReference()) {
            throw new InvalidInputException("Method '" + method + "' with this config needs the reference model"
                    + " (the model before unlearning), but none was supplied.");
        }
    }

    /** Rejects an empty answer list of a method that needs one. */
    public static void requireAnswers(String method, List<String> answers) {
        if (answers.isEmpty()) {
            throw new InvalidInputException("Method '" + method + "' needs template answers (config key 'templates'),"
                    + " but the template list is empty.");
        }
    }

    /** Rejects an empty forget set. */
    public static void requireForget(String method, List<MethodSample> forget) {
        if (forget.isEmpty()) {
            throw new InvalidInputException("Method '" + method + "': the forget set is empty; nothing to unlearn.");
        }
    }

    /** Rejects a retain item sharing an id, or the same question and answer text, with a forget item. */
    public static void requireDisjoint(List<MethodSample> forget, List<MethodSample> retain) {
        Set<String> ids = new HashSet<>();
        Map<String, String> texts = new HashMap<>();
        for (MethodSample f : forget) {
            ids.add(f.id());
            texts.put(textKey(f), f.id());
        }
        for (MethodSample r : retain) {
            if (ids.contains(r.id())) {
                throw new InvalidInputException("Forget and retain sets overlap: record id '" + r.id()
                        + "' is in both. Remove it from the retain set.");
            }
            String fid = texts.get(textKey(r));
            if (fid != null) {
                throw new InvalidInputException("Forget and retain sets overlap: retain record '" + r.id()
                        + "' has the same question and answer as forget record '" + fid + "'.");
            }
        }
    }

    private static String textKey(MethodSample s) {
        return s.question().strip() + "\u0000" + s.answer().strip();
    }
}

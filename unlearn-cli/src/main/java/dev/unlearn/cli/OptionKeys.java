package dev.unlearn.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options named after config keys: {@code --w-lr} sets {@code w_lr}. A mixin whose options are one
 * per key of a config (the training table, the worst-case search) hands them over as one map, so no
 * key is spelled twice.
 */
public final class OptionKeys {
    private OptionKeys() {}

    /** {@code grad_accum} to {@code --grad-accum}. */
    public static String option(String key) {
        return "--" + key.replace('_', '-');
    }

    /** {@code --grad-accum} to {@code grad_accum}. */
    public static String key(OptionSpec o) {
        return o.longestName().substring(2).replace('-', '_');
    }

    /** The values of {@code mixin}'s long options by key, in declaration order; options without a value are left out. */
    public static Map<String, Object> values(CommandSpec mixin) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (OptionSpec o : mixin.options()) {
            if (o.longestName().startsWith("--") && o.getValue() != null) {
                m.put(key(o), o.getValue());
            }
        }
        return m;
    }
}

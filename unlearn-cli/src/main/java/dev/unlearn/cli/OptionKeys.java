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

    /** A message about a config key, or a leakage setting, followed by the rest of the message. */
    private static final java.util.regex.Pattern KEY_MESSAGE =
            java.util.regex.Pattern.compile("(?s)(?:Config key '([a-z_]+)'|leakage ([a-z_]+))(.*)");

    /** {@code grad_accum} to {@code --grad-accum}. */
    public static String option(String key) {
        return "--" + key.replace('_', '-');
    }

    /** {@code --grad-accum} to {@code grad_accum}. */
    public static String key(OptionSpec o) {
        return o.longestName().substring(2).replace('-', '_');
    }

    /**
     * {@code ex} reworded to name the option the user typed when it is about one of {@code mixin}'s keys
     * ({@code Config key 'w_lr' must be > 0} becomes {@code --w-lr must be > 0}, {@code leakage relearn_steps must be
     * at least 1} becomes {@code --relearn-steps must be at least 1}); any other error as it is.
     */
    public static dev.unlearn.core.InvalidInputException asOption(dev.unlearn.core.InvalidInputException ex,
            CommandSpec mixin) {
        java.util.regex.Matcher m = KEY_MESSAGE.matcher(String.valueOf(ex.getMessage()));
        if (m.matches()) {
            String opt = option(m.group(1) != null ? m.group(1) : m.group(2));
            if (mixin.options().stream().anyMatch(o -> o.longestName().equals(opt))) {
                return new dev.unlearn.core.InvalidInputException(opt + m.group(3), ex);
            }
        }
        return ex;
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

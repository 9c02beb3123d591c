package dev.unlearn.methods.spi;

import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Registry of {@link UnlearningMethod}s found with {@link ServiceLoader}, by stable lowercase name. */
public final class Methods {
    private Methods() {}

    /** All registered methods, sorted by name. A duplicate name is a packaging error. */
    public static Map<String, UnlearningMethod<?>> all() {
        Map<String, UnlearningMethod<?>> out = new TreeMap<>();
        @SuppressWarnings("rawtypes")
        ServiceLoader<UnlearningMethod> loader = ServiceLoader.load(UnlearningMethod.class, Methods.class.getClassLoader());
        for (UnlearningMethod<?> m : loader) {
            UnlearningMethod<?> prev = out.put(m.name(), m);
            if (prev != null) {
                throw new IllegalStateException("two methods named '" + m.name() + "': "
                        + prev.getClass().getName() + " and " + m.getClass().getName());
            }
        }
        return out;
    }

    /** Valid names, sorted. */
    public static List<String> names() {
        return new ArrayList<>(all().keySet());
    }

    /**
     * Looks a method up by name (case-insensitive, surrounding spaces ignored).
     *
     * @throws InvalidInputException naming the valid methods when the name is unknown
     */
    public static UnlearningMethod<?> byName(String name) {
        Map<String, UnlearningMethod<?>> all = all();
        String key = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        UnlearningMethod<?> m = all.get(key);
        if (m == null) {
            throw new InvalidInputException("Unknown unlearning method '" + name + "'; valid methods: "
                    + String.join(", ", all.keySet()) + ".");
        }
        return m;
    }
}

package dev.unlearn.core.text;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import java.util.Collection;
import java.util.Map;

/**
 * transformers' {@code tojson} filter for chat templates: Python
 * {@code json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)},
 * with Python's spacing (", " and ": " without indent; "," and newlines with it) and key order kept.
 */
final class PyJson {
    private PyJson() {}

    static String dumps(Object x, Integer indent, boolean sortKeys) {
        StringBuilder b = new StringBuilder();
        write(b, x, indent, 0, sortKeys);
        return b.toString();
    }

    private static void write(StringBuilder b, Object x, Integer indent, int level, boolean sort) {
        if (x == null || x == PyNone.NONE) {
            b.append("null");
        } else if (x instanceof Boolean v) {
            b.append(v ? "true" : "false");
        } else if (x instanceof Double || x instanceof Float) {
            b.append(PyRepr.jsonReal(((Number) x).doubleValue()));
        } else if (x instanceof Number n) {
            b.append(n);
        } else if (x instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                b.append("{}");
                return;
            }
            Iterable<? extends Map.Entry<?, ?>> es = m.entrySet();
            if (sort) {
                java.util.TreeMap<String, Object> t = new java.util.TreeMap<>();
                m.forEach((k, v) -> t.put(String.valueOf(k), v));
                es = t.entrySet();
            }
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : es) {
                if (!first) {
                    b.append(indent == null ? ", " : ",");
                }
                first = false;
                newline(b, indent, level + 1);
                string(b, String.valueOf(e.getKey()));
                b.append(": ");
                write(b, e.getValue(), indent, level + 1, sort);
            }
            newline(b, indent, level);
            b.append('}');
        } else if (x instanceof Collection<?> c) {
            if (c.isEmpty()) {
                b.append("[]");
                return;
            }
            b.append('[');
            boolean first = true;
            for (Object v : c) {
                if (!first) {
                    b.append(indent == null ? ", " : ",");
                }
                first = false;
                newline(b, indent, level + 1);
                write(b, v, indent, level + 1, sort);
            }
            newline(b, indent, level);
            b.append(']');
        } else {
            string(b, String.valueOf(x));
        }
    }

    private static void newline(StringBuilder b, Integer indent, int level) {
        if (indent != null) {
            b.append('\n').append(" ".repeat(indent * level));
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }


    /** The filter: {@code x | tojson}, {@code tojson(indent=2)}, {@code tojson(sort_keys=true)}. */
    static final class Filter implements AdvancedFilter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object ind = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
            Integer indent = ind == null ? null : ((Number) ind).intValue();
            boolean sort = Boolean.TRUE.equals(kwargs.get("sort_keys"));
            return dumps(var, indent, sort);
        }
    }
}

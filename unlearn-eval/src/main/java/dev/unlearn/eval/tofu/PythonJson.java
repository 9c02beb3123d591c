package dev.unlearn.eval.tofu;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a Jackson tree byte-for-byte as Python's {@code json.dumps(obj, indent=4)} does (default
 * {@code ensure_ascii=True}), so the TOFU reference scripts read our logs unchanged.
 *
 * <p>Reference matched: CPython 3.11 {@code json.encoder} (separators {@code ","}/{@code ": "} with
 * indent, {@code \\uXXXX} lower-case escapes for everything outside {@code ' '..'~'} except the short
 * escapes, {@code NaN}/{@code Infinity}) and {@code float.__repr__} (shortest round-trip digits;
 * scientific notation when the decimal exponent is below −4 or at least 16, e.g. {@code 1e-05},
 * {@code 1e+16}). Spec §2.11.
 */
public final class PythonJson {
    private PythonJson() {}

    /** Serialises a tree with the given indentation step. */
    public static String write(JsonNode node, int indent) {
        StringBuilder sb = new StringBuilder();
        write(node, indent, 0, sb);
        return sb.toString();
    }

    private static void write(JsonNode node, int indent, int level, StringBuilder sb) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            boolean first = true;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                sb.append(first ? "" : ",");
                newline(sb, indent, level + 1);
                string(e.getKey(), sb);
                sb.append(": ");
                write(e.getValue(), indent, level + 1, sb);
                first = false;
            }
            newline(sb, indent, level);
            sb.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < node.size(); i++) {
                sb.append(i == 0 ? "" : ",");
                newline(sb, indent, level + 1);
                write(node.get(i), indent, level + 1, sb);
            }
            newline(sb, indent, level);
            sb.append(']');
        } else if (node.isTextual()) {
            string(node.textValue(), sb);
        } else if (node.isIntegralNumber()) {
            sb.append(node.bigIntegerValue().toString());
        } else if (node.isNumber()) {
            sb.append(floatRepr(node.doubleValue()));
        } else if (node.isBoolean()) {
            sb.append(node.booleanValue() ? "true" : "false");
        } else if (node.isNull() || node.isMissingNode()) {
            sb.append("null");
        } else {
            throw new IllegalArgumentException("cannot write JSON node of type " + node.getNodeType());
        }
    }

    private static void newline(StringBuilder sb, int indent, int level) {
        sb.append('\n');
        sb.append(" ".repeat(indent * level));
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c >= ' ' && c <= '~') {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Python {@code repr(float)}, as json.dumps writes it ({@code NaN}, {@code Infinity}); one implementation, core's. */
    public static String floatRepr(double d) {
        return dev.unlearn.core.text.PyRepr.jsonReal(d);
    }
}

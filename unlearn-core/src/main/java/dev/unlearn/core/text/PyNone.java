package dev.unlearn.core.text;

import com.hubspot.jinjava.util.HasObjectTruthValue;

/**
 * jinja2's {@code None}, as opposed to an undefined value. Jinjava has one null for both, so a JSON
 * {@code null} in a message ({@code "content": null} beside {@code tool_calls}), the {@code tools} that
 * transformers passes as {@code None} when there are none, and a template's own {@code none} literal
 * become this value, and so does {@code d.get(key)} of a missing key. It prints {@code None}, is false,
 * {@code is none} and {@code is defined}, equals {@code none}, and cannot be iterated or added to, as in
 * Python. An undefined value stays null: it prints empty, is not defined and is not {@code none}, and
 * loops over nothing.
 */
public enum PyNone implements HasObjectTruthValue {
    NONE;

    @Override
    public boolean getObjectTruthValue() {
        return false;
    }

    @Override
    public String toString() {
        return "None";
    }

    /** {@code py_none()}, which {@link PyEscapes} writes for the literal {@code none}. */
    public static PyNone none() {
        return NONE;
    }

    /** {@code x} with every null inside maps and lists (and {@code x} itself) made {@link #NONE}, in new containers. */
    static Object fromJson(Object x) {
        if (x == null) {
            return NONE;
        }
        if (x instanceof java.util.Map<?, ?> m) {
            java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, fromJson(v)));
            return out;
        }
        if (x instanceof java.util.List<?> l) {
            java.util.List<Object> out = new java.util.ArrayList<>();
            l.forEach(v -> out.add(fromJson(v)));
            return out;
        }
        return x;
    }
}

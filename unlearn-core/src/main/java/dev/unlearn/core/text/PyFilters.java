package dev.unlearn.core.text;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * jinja2's built-in filters that Jinjava 2.7 lacks: {@code items} (Llama 3's templates iterate a tool
 * call's arguments with it), {@code max} and {@code min}. Without them Jinjava renders an empty string.
 * Also two that Jinjava has in Java's terms: {@code string} is Python's {@code str} ({@link PyRepr};
 * Jinjava gives {@code {role=user}} and {@code null}), and {@code trim} strips Python's whitespace and
 * leaves an undefined value empty (Jinjava gives {@code null}), and {@code format} is Python's {@code %}
 * ({@link PyFormat}; Jinjava's is Java's {@code String.format}); {@code list} and {@code join} take a
 * dict's keys and a string's characters, and {@code join} prints each item as {@code {{ x }}} does
 * (Jinjava's gave {@code [{a=1}]} for a dict and {@code true} for a boolean); {@code first} and
 * {@code last} of a string are characters; {@code lower} and {@code upper} take {@code str(x)} of a
 * non-string, as Python's filters do.
 */
final class PyFilters {
    private PyFilters() {}

    /**
     * jinja2's global {@code dict(...)}: keyword arguments ({@code dict(name=n, arguments=a)}, which Jinjava
     * hands over as named parameters) after an optional mapping or list of pairs, as Python's {@code dict}.
     */
    public static Object dict(Object... params) {
        java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
        boolean positional = false;
        for (Object p : params == null ? new Object[0] : params) {
            if (p instanceof com.hubspot.jinjava.el.ext.NamedParameter n) {
                out.put(n.getName(), n.getValue());
            } else if (positional) {
                throw PyOperators.typeError("dict expected at most 1 argument");
            } else if (p instanceof java.util.Map<?, ?> m) {
                positional = true;
                out.putAll(m);
            } else if (p instanceof Iterable<?> pairs) {
                positional = true;
                int i = 0;
                for (Object pair : pairs) {
                    if (!(pair instanceof List<?> kv) || kv.size() != 2) {
                        throw PyOperators.typeError("dictionary update sequence element #" + i
                                + " has the wrong length or type");
                    }
                    out.put(kv.get(0), kv.get(1));
                    i++;
                }
            } else {
                throw PyOperators.typeError("'" + PyOperators.typeName(p) + "' object is not iterable");
            }
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        java.util.Map<String, Object> keyed = (java.util.Map) out; // keys as given; Jinjava's PyMap has items() and keys()
        return new com.hubspot.jinjava.objects.collections.PyMap(keyed);
    }

    /** The filters, to register on a Jinjava context. */
    static List<AdvancedFilter> all() {
        return List.of(new Simple("items", (var, args, kwargs) -> items(var)),
                new Simple("max", (var, args, kwargs) -> extreme("max", 1, var, args, kwargs)),
                new Simple("min", (var, args, kwargs) -> extreme("min", -1, var, args, kwargs)), STRING, TRIM, FORMAT,
                new Simple("list", (var, args, kwargs) -> list(var)),
                new Simple("lower", (var, args, kwargs) -> PyRepr.str(var).toLowerCase(Locale.ROOT)),
                new Simple("upper", (var, args, kwargs) -> PyRepr.str(var).toUpperCase(Locale.ROOT)),
                new Simple("int", (var, args, kwargs) -> toInt(var, kwargs.getOrDefault("default", args.length > 0 ? args[0] : 0L),
                        kwargs.getOrDefault("base", args.length > 1 ? args[1] : 10L))),
                new Simple("float", (var, args, kwargs) -> toFloat(var, kwargs.getOrDefault("default", args.length > 0 ? args[0] : 0.0))),
                new Simple("first", (var, args, kwargs) -> end(var, true)),
                new Simple("last", (var, args, kwargs) -> end(var, false)),
                new Simple("join", (var, args, kwargs) -> join(var, kwargs.getOrDefault("d", args.length > 0 ? args[0] : ""),
                        kwargs.getOrDefault("attribute", args.length > 1 ? args[1] : null))));
    }

    /** {@code x|list}: Python's {@code list(x)}: a dict's keys, a string's characters; an undefined value gives []. */
    private static List<Object> list(Object var) {
        List<Object> out = new ArrayList<>();
        Object items = PyEscapes.iterate(var);
        if (items instanceof Iterable<?> it) {
            it.forEach(out::add);
        } else if (items instanceof Object[] a) {
            out.addAll(java.util.Arrays.asList(a));
        } else if (items instanceof java.util.Iterator<?> it) {
            it.forEachRemaining(out::add);
        } else if (items != null) {
            throw new IllegalArgumentException("list: '" + PyOperators.typeName(var) + "' object is not iterable");
        }
        return out;
    }

    /**
     * jinja2's {@code x|int(default, base)}: a boolean is 0 or 1, a float is cut towards zero, a string is
     * read in {@code base} (else as a float, then cut); anything else, or a string that is no number, gives
     * {@code default}.
     */
    private static Object toInt(Object var, Object dflt, Object base) {
        if (var instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (var instanceof Double || var instanceof Float) {
            double d = ((Number) var).doubleValue();
            return Double.isFinite(d) ? (Object) new java.math.BigDecimal(d).toBigInteger().longValue() : dflt;
        }
        if (var instanceof Number n) {
            return n.longValue();
        }
        if (var instanceof CharSequence || var instanceof com.hubspot.jinjava.objects.SafeString) {
            String t = var.toString().strip().replace("_", "");
            try {
                return Long.parseLong(t.startsWith("+") ? t.substring(1) : t, ((Number) base).intValue());
            } catch (NumberFormatException e) {
                Object f = toFloat(var, null);
                return f instanceof Double d && Double.isFinite(d) ? (Object) (long) d.doubleValue() : dflt;
            }
        }
        return dflt;
    }

    /** jinja2's {@code x|float(default)}: Python's {@code float(x)}, or {@code default} when it fails. */
    private static Object toFloat(Object var, Object dflt) {
        if (var instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (var instanceof Number n) {
            return n.doubleValue();
        }
        if (var instanceof CharSequence || var instanceof com.hubspot.jinjava.objects.SafeString) {
            String t = var.toString().strip().toLowerCase(Locale.ROOT);
            String u = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
            if (u.equals("inf") || u.equals("infinity") || u.equals("nan")) {
                double v = u.equals("nan") ? Double.NaN : Double.POSITIVE_INFINITY;
                return t.startsWith("-") ? -v : v;
            }
            if (t.matches("[+-]?(\\d[\\d_]*(\\.[\\d_]*)?|\\.\\d[\\d_]*)(e[+-]?\\d+)?")) {
                return Double.parseDouble(t.replace("_", ""));
            }
        }
        return dflt;
    }

    /** {@code seq|first} and {@code seq|last}: of a string its character, of a dict its key; undefined when empty. */
    private static Object end(Object var, boolean first) {
        List<Object> items = list(var);
        return items.isEmpty() ? null : items.get(first ? 0 : items.size() - 1);
    }

    /** {@code seq|join(d, attribute)}: {@code str(d).join(str(x) for x in seq)}, each item as {{ x }} prints it. */
    private static String join(Object var, Object separator, Object attribute) {
        List<String> parts = new ArrayList<>();
        for (Object x : list(var)) {
            parts.add(PyRepr.str(attribute != null && x instanceof Map<?, ?> m ? m.get(String.valueOf(attribute)) : x));
        }
        return String.join(PyRepr.str(separator), parts);
    }

    /** {@code fmt|format(*args, **kwargs)}: Python's {@code str(fmt) % args} ({@link PyFormat}). */
    private static final AdvancedFilter FORMAT = new Simple("format", (var, args, kwargs) -> {
        if (args.length > 0 && !kwargs.isEmpty()) {
            throw new IllegalArgumentException("format: can't handle positional and keyword arguments at the same time");
        }
        return PyFormat.format(PyRepr.str(var), java.util.Arrays.asList(args), kwargs);
    });

    /** {@code mapping|items}: its (key, value) pairs in order; an undefined value gives none. */
    private static List<List<Object>> items(Object var) {
        List<List<Object>> out = new ArrayList<>();
        if (var == null) {
            return out;
        }
        if (!(var instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("items: expected a mapping, found " + PyOperators.typeName(var));
        }
        m.forEach((k, v) -> out.add(List.of(k, v)));
        return out;
    }

    /** A filter that is one function of the value, its arguments and keyword arguments. */
    private interface Body {
        Object apply(Object var, Object[] args, Map<String, Object> kwargs);
    }

    /**
     * The tests whose Jinjava versions differ from jinja2's: {@code iterable} (strings are;
     * {@link PyStrings#iterable}) and {@code none} (only {@link PyNone}: an undefined value is not none).
     */
    static List<com.hubspot.jinjava.lib.exptest.ExpTest> tests() {
        return List.of(new Test("iterable", PyStrings::iterable), new Test("none", x -> x == PyNone.NONE));
    }

    /** A test ({@code x is name}) given as a name and a predicate of the value. */
    private record Test(String name, java.util.function.Predicate<Object> test) implements com.hubspot.jinjava.lib.exptest.ExpTest {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return test.test(var);
        }
    }

    /** A filter given as a name and a {@link Body}. */
    private record Simple(String name, Body body) implements AdvancedFilter {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            return body.apply(var, args, kwargs);
        }
    }

    /** {@code x|string}: Python's {@code str(x)}, as every {@code {{ x }}} prints ({@link PyEscapes}). */
    private static final AdvancedFilter STRING = new Simple("string", (var, args, kwargs) -> PyRepr.str(var));

    /** {@code x|trim} and {@code x|trim(chars)}: {@code str(x).strip(chars)}. */
    private static final AdvancedFilter TRIM = new Simple("trim", (var, args, kwargs) -> {
        Object chars = kwargs.getOrDefault("chars", args.length > 0 ? args[0] : null);
        return PyStrings.strip(PyRepr.str(var), chars == null ? null : String.valueOf(chars));
    });

    /**
     * {@code seq|max} / {@code seq|min} with jinja2's arguments {@code case_sensitive=false} and
     * {@code attribute}: strings compare case-insensitively unless asked, numbers numerically; an empty
     * sequence gives none.
     */
    private static Object extreme(String name, int sign, Object var, Object[] args, Map<String, Object> kwargs) {
        boolean caseSensitive = Boolean.TRUE.equals(kwargs.getOrDefault("case_sensitive", args.length > 0 ? args[0] : false));
        Object attribute = kwargs.getOrDefault("attribute", args.length > 1 ? args[1] : null);
        List<Object> items = new ArrayList<>();
        if (var instanceof Iterable<?> it) {
            it.forEach(items::add);
        } else if (var instanceof CharSequence cs) {
            cs.codePoints().forEach(c -> items.add(Character.toString(c)));
        } else if (var != null) {
            throw new IllegalArgumentException(name + ": expected a sequence, found " + PyOperators.typeName(var));
        }
        Comparator<Object> order = (a, b) -> compare(key(a, attribute, caseSensitive), key(b, attribute, caseSensitive));
        Object best = null;
        for (Object x : items) { // the first of equal items wins, as in Python's max and min
            if (best == null || sign * order.compare(x, best) > 0) {
                best = x;
            }
        }
        return best;
    }

    private static Object key(Object x, Object attribute, boolean caseSensitive) {
        Object v = attribute != null && x instanceof Map<?, ?> m ? m.get(String.valueOf(attribute)) : x;
        return !caseSensitive && v instanceof String s ? s.toLowerCase(Locale.ROOT) : v;
    }

    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        throw new IllegalArgumentException("cannot compare " + a + " with " + b);
    }
}

package dev.unlearn.core.text;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of the values a chat template sees (strings, numbers,
 * booleans, none, lists and mappings), for what jinja2 prints: {@code {{ x }}} and {@code x|string} are
 * {@code str(x)}, and a container shows its items by {@code repr}. Jinjava prints Java's forms instead
 * ({@code true}, {@code {role=user}}, {@code 1.0E-5}).
 *
 * <p>Reference matched: CPython 3 {@code str}/{@code repr} of {@code bool}, {@code None}, {@code int},
 * {@code float} (the shortest digits that read back as the same double; positional when the decimal
 * exponent is in [-4, 16), else {@code 1e-05}), {@code str} (single quotes unless the text holds a
 * single quote and no double quote; backslash, the quote, {@code \t \n \r} and non-printable characters
 * escaped), {@code list} and {@code dict}. {@link PyNone} is {@code None}; a null is printed as jinja2
 * prints an undefined value: empty at the top, {@code None} inside a container.
 */
public final class PyRepr {
    private PyRepr() {}

    /**
     * {@code str(x)}: a string as itself, null as empty (jinja2's undefined), everything else as {@link #repr}.
     * Templates reach it as the function {@code py_str}, which every {@code {{ x }}} calls ({@link PyEscapes}).
     */
    public static String str(Object x) {
        if (x == null) {
            return "";
        }
        if (x == PyNone.NONE) {
            return "None";
        }
        if (x instanceof CharSequence s) {
            return s.toString();
        }
        return repr(x);
    }

    /** {@code repr(x)}. */
    public static String repr(Object x) {
        if (x == null || x == PyNone.NONE) {
            return "None";
        }
        if (x instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (x instanceof CharSequence s) {
            return string(s.toString());
        }
        if (x instanceof Long || x instanceof Integer || x instanceof Short || x instanceof Byte || x instanceof BigInteger) {
            return x.toString();
        }
        if (x instanceof BigDecimal b) { // Jinjava's sum and round: a whole sum of ints is an int, a fraction a float
            return b.scale() <= 0 ? b.toBigInteger().toString() : real(b.doubleValue());
        }
        if (x instanceof Number d) {
            return real(d.doubleValue());
        }
        if (x instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                b.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                if (it.hasNext()) {
                    b.append(", ");
                }
            }
            return b.append('}').toString();
        }
        if (x instanceof Iterable<?> l) {
            StringBuilder b = new StringBuilder("[");
            Iterator<?> it = l.iterator();
            while (it.hasNext()) {
                b.append(repr(it.next()));
                if (it.hasNext()) {
                    b.append(", ");
                }
            }
            return b.append(']').toString();
        }
        return x.toString();
    }

    /** A float as {@code json.dumps} writes it: {@link #real}, with {@code NaN} and {@code Infinity} spelled its way. */
    public static String jsonReal(double d) {
        return Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : real(d);
    }

    /** {@code repr(float)}: the shortest round-trip digits, in Python's layout. */
    public static String real(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(d);
        BigDecimal shortest = exact;
        for (int p = 1; p <= 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == d) {
                shortest = r;
                break;
            }
        }
        String digits = shortest.unscaledValue().abs().toString().replaceAll("0+$", "");
        digits = digits.isEmpty() ? "0" : digits;
        // decimal exponent of the first digit: value = 0.d1d2... x 10^(exp+1)
        int exp = shortest.precision() - shortest.scale() - 1;
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            StringBuilder b = new StringBuilder(sign);
            if (exp < 0) {
                b.append("0.").append("0".repeat(-exp - 1)).append(digits);
            } else if (digits.length() <= exp + 1) {
                b.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
            } else {
                b.append(digits, 0, exp + 1).append('.').append(digits.substring(exp + 1));
            }
            return b.toString();
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    /** {@code repr(str)}. */
    static String string(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder(s.length() + 2).append(quote);
        s.codePoints().forEach(c -> {
            if (c == quote || c == '\\') {
                b.append('\\').appendCodePoint(c);
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (printable(c)) {
                b.appendCodePoint(c);
            } else if (c <= 0xff) {
                b.append(String.format("\\x%02x", c));
            } else if (c <= 0xffff) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.append(String.format("\\U%08x", c));
            }
        });
        return b.append(quote).toString();
    }

    /** {@code str.isprintable()} for one character: not a control, format, surrogate, private-use, unassigned or separator (but space). */
    private static boolean printable(int c) {
        if (c == ' ') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}

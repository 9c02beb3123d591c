package dev.unlearn.core.text;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's printf-style {@code format % args}, which jinja2's {@code format} filter is
 * ({@code "%s=%d"|format(k, v)}, {@code "%(a)s"|format(a=1)}). Jinjava's filter is Java's
 * {@code String.format}: it prints {@code null}, {@code true} and {@code {a=1}} for {@code %s}, rounds
 * {@code %.2f} half up and knows no {@code %r}.
 *
 * <p>Supported: the conversions {@code s r a d i u f F e E g G x X o c %}, the flags {@code - + space 0 #},
 * a width and a precision (a {@code *} takes them from the arguments), and {@code %(key)s} with keyword
 * arguments. Numbers are rounded as Python rounds them: the exact binary value, half to even. A value
 * of the wrong type, too few or too many arguments, and an unknown conversion are errors, as in Python.
 */
final class PyFormat {
    private PyFormat() {}

    private static final Pattern SPEC = Pattern.compile("%(?:\\(([^)]*)\\))?([-+ 0#]*)(\\*|\\d+)?(?:\\.(\\*|\\d+))?[hlL]?(.)?");

    /**
     * @param format the format string
     * @param args positional arguments ({@code format(a, b)})
     * @param kwargs keyword arguments ({@code format(a=1)}); when given, every conversion names a key
     */
    static String format(String format, List<Object> args, Map<String, Object> kwargs) {
        StringBuilder out = new StringBuilder();
        Matcher m = SPEC.matcher(format);
        int at = 0;
        int next = 0;
        boolean byKey = !kwargs.isEmpty();
        while (m.find()) {
            out.append(format, at, m.start());
            at = m.end();
            String type = m.group(5);
            if (type == null) {
                throw new IllegalArgumentException("format: incomplete format (a '%' at the end of '" + format + "')");
            }
            if (type.equals("%") && m.group(1) == null) {
                out.append('%');
                continue;
            }
            String flags = m.group(2);
            int width = -1;
            int precision = -1;
            if ("*".equals(m.group(3))) {
                width = intArg(positional(args, next++, format), "* width");
                if (width < 0) { // a negative * width left-justifies
                    flags += "-";
                    width = -width;
                }
            } else if (m.group(3) != null) {
                width = Integer.parseInt(m.group(3));
            }
            if ("*".equals(m.group(4))) {
                precision = intArg(positional(args, next++, format), "* precision");
            } else if (m.group(4) != null) {
                precision = Integer.parseInt(m.group(4));
            }
            Object value;
            if (m.group(1) != null) {
                if (!kwargs.containsKey(m.group(1))) {
                    throw new IllegalArgumentException("format: no keyword argument '" + m.group(1) + "' for '" + format + "'");
                }
                value = kwargs.get(m.group(1));
            } else if (byKey) {
                throw new IllegalArgumentException("format: '" + format + "' needs positional arguments, given keywords");
            } else {
                value = positional(args, next++, format);
            }
            out.append(pad(convert(type, flags, precision, value), flags, width, "diufFeEgGxXo".contains(type)));
        }
        out.append(format, at, format.length());
        if (!byKey && next < args.size()) {
            throw new IllegalArgumentException("format: not all arguments converted during string formatting ('" + format
                    + "' takes " + next + ", given " + args.size() + ")");
        }
        return out.toString();
    }

    private static Object positional(List<Object> args, int i, String format) {
        if (i >= args.size()) {
            throw new IllegalArgumentException("format: not enough arguments for format string '" + format + "'");
        }
        return args.get(i);
    }

    private static int intArg(Object v, String what) {
        if (v instanceof Number n && !(v instanceof Double || v instanceof Float)) {
            return n.intValue();
        }
        throw new IllegalArgumentException("format: " + what + " wants an int, found " + PyOperators.typeName(v));
    }

    private static String convert(String type, String flags, int precision, Object v) {
        switch (type) {
            case "s" -> {
                String s = PyRepr.str(v);
                return precision >= 0 && precision < s.length() ? s.substring(0, precision) : s;
            }
            case "r", "a" -> {
                String s = PyRepr.repr(v);
                return precision >= 0 && precision < s.length() ? s.substring(0, precision) : s;
            }
            case "d", "i", "u" -> {
                java.math.BigInteger n = integer(v, type);
                return sign((n.signum() < 0 ? "-" : "") + digits(n.abs().toString(), precision), flags);
            }
            case "x", "X", "o" -> {
                java.math.BigInteger n = integer(v, type);
                String digits = digits(n.abs().toString(type.equals("o") ? 8 : 16), precision);
                String prefix = flags.contains("#") ? (type.equals("o") ? "0o" : "0x") : "";
                String s = (n.signum() < 0 ? "-" : "") + prefix + digits;
                return sign(type.equals("X") ? s.toUpperCase(java.util.Locale.ROOT) : s, flags);
            }
            case "f", "F", "e", "E", "g", "G" -> {
                return sign(real(type, flags, precision < 0 ? 6 : precision, number(v, type)), flags);
            }
            case "c" -> {
                if (v instanceof String s && s.codePointCount(0, s.length()) == 1) {
                    return s;
                }
                return new String(Character.toChars(integer(v, "c").intValueExact()));
            }
            default -> throw new IllegalArgumentException("format: unsupported format character '" + type + "'");
        }
    }

    /** An integer's digits with at least {@code precision} of them ({@code %.3d} of 7 is {@code 007}). */
    private static String digits(String digits, int precision) {
        return precision > digits.length() ? "0".repeat(precision - digits.length()) + digits : digits;
    }

    private static java.math.BigInteger integer(Object v, String type) {
        if (v instanceof Boolean b) {
            return java.math.BigInteger.valueOf(b ? 1 : 0);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (type.equals("d") || type.equals("i") || type.equals("u")) {
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("format: cannot convert float " + PyRepr.str(v) + " to integer");
                }
                return new BigDecimal(d).toBigInteger(); // int(d): towards zero
            }
            throw new IllegalArgumentException("format: %" + type + " format: an integer is required, not float");
        }
        if (v instanceof java.math.BigInteger b) {
            return b;
        }
        if (v instanceof Number n) {
            return java.math.BigInteger.valueOf(n.longValue());
        }
        throw new IllegalArgumentException("format: %" + type + " format: a number is required, not " + PyOperators.typeName(v));
    }

    private static double number(Object v, String type) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("format: %" + type + " format: a real number is required, not " + PyOperators.typeName(v));
    }

    /** Python's {@code %f}, {@code %e} and {@code %g} of {@code d} (its exact value rounded half to even). */
    private static String real(String type, String flags, int precision, double d) {
        boolean upper = Character.isUpperCase(type.charAt(0));
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            String s = Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
            return upper ? s.toUpperCase(java.util.Locale.ROOT) : s;
        }
        boolean negative = d < 0 || d == 0 && 1 / d < 0;
        BigDecimal x = new BigDecimal(Math.abs(d));
        String body;
        switch (Character.toLowerCase(type.charAt(0))) {
            case 'f' -> body = fixed(x, precision, flags.contains("#"));
            case 'e' -> body = exponent(x, precision, flags.contains("#"));
            default -> {
                int p = precision == 0 ? 1 : precision;
                int exp = x.signum() == 0 ? 0 : x.round(new MathContext(p, RoundingMode.HALF_EVEN)).precision()
                        - x.round(new MathContext(p, RoundingMode.HALF_EVEN)).scale() - 1;
                body = -4 <= exp && exp < p ? fixed(x, p - 1 - exp, flags.contains("#")) : exponent(x, p - 1, flags.contains("#"));
                if (!flags.contains("#")) {
                    body = stripZeros(body);
                }
            }
        }
        if (upper) {
            body = body.toUpperCase(java.util.Locale.ROOT);
        }
        return (negative ? "-" : "") + body;
    }

    private static String fixed(BigDecimal x, int decimals, boolean point) {
        String s = x.setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        return point && decimals == 0 ? s + "." : s;
    }

    private static String exponent(BigDecimal x, int decimals, boolean point) {
        if (x.signum() == 0) {
            return fixed(x, decimals, point) + "e+00";
        }
        BigDecimal r = x.round(new MathContext(decimals + 1, RoundingMode.HALF_EVEN));
        int exp = r.precision() - r.scale() - 1;
        String mantissa = fixed(r.movePointLeft(exp), decimals, point);
        return mantissa + (exp < 0 ? "e-" : "e+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    private static String stripZeros(String s) {
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String rest = e < 0 ? "" : s.substring(e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "");
            if (mantissa.endsWith(".")) {
                mantissa = mantissa.substring(0, mantissa.length() - 1);
            }
        }
        return mantissa + rest;
    }

    private static String sign(String s, String flags) {
        if (s.startsWith("-")) {
            return s;
        }
        return flags.contains("+") ? "+" + s : flags.contains(" ") ? " " + s : s;
    }

    private static String pad(String s, String flags, int width, boolean numeric) {
        int n = s.codePointCount(0, s.length());
        if (width <= n) {
            return s;
        }
        String fill = " ".repeat(width - n);
        if (flags.contains("-")) {
            return s + fill;
        }
        if (numeric && flags.contains("0")) { // Python pads inf and nan with zeros too
            int signs = s.startsWith("-") || s.startsWith("+") || s.startsWith(" ") ? 1 : 0;
            int prefix = s.startsWith("0x", signs) || s.startsWith("0X", signs) || s.startsWith("0o", signs) ? 2 : 0;
            return s.substring(0, signs + prefix) + "0".repeat(width - n) + s.substring(signs + prefix);
        }
        return fill + s;
    }
}

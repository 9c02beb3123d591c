package dev.unlearn.core.text;

import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods for Jinjava (chat templates call {@code content.strip()},
 * {@code startswith}, {@code split(...)[-1]}, ...), and Python's {@code strftime} for
 * {@code strftime_now}. Whitespace is Python's ASCII whitespace set for the no-argument forms. Also
 * what Jinjava lacks of Python's indexing: a string's characters by position ({@code role[0]},
 * {@code text[-1]}; out of range is undefined, as in jinja2), a mapping's {@code get(key, default)}, and
 * the test {@code is iterable} true for strings.
 */
final class PyStrings {
    private static final String WS = " \t\n\r\u000b\f";

    private PyStrings() {}

    /** Jinjava's read-only resolver with Python string methods in front. */
    static ELResolver resolver() {
        CompositeELResolver c = new CompositeELResolver();
        c.add(new Methods());
        c.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        return c;
    }

    private static final class Methods extends ELResolver {
        @Override
        public Object invoke(ELContext ctx, Object base, Object method, Class<?>[] types, Object[] params) {
            Object[] p = params == null ? new Object[0] : params;
            if (base instanceof java.util.Map<?, ?> m && "get".equals(String.valueOf(method)) && (p.length == 1 || p.length == 2)) {
                ctx.setPropertyResolved(true); // dict.get(key) is None when the key is missing, not undefined
                return m.containsKey(p[0]) ? m.get(p[0]) : p.length == 2 ? p[1] : PyNone.NONE;
            }
            if (!(base instanceof String s) || method == null) {
                return null;
            }
            Object r = call(s, method.toString(), p);
            if (r != NONE) {
                ctx.setPropertyResolved(true);
                return r;
            }
            return null;
        }

        @Override
        public Object getValue(ELContext ctx, Object base, Object property) {
            if (!(base instanceof String s)) {
                return null; // every attribute lookup of a render passes here: only strings are indexed
            }
            Long at = property instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? Long.valueOf(n.longValue())
                    : property instanceof String p && p.matches("-?\\d{1,9}") ? Long.valueOf(p) : null; // Jinjava passes "0"
            if (at != null) {
                int[] cps = s.codePoints().toArray();
                long k = at < 0 ? at + cps.length : at;
                if (k >= 0 && k < cps.length) {
                    ctx.setPropertyResolved(true);
                    return Character.toString(cps[(int) k]);
                }
            }
            return null;
        }

        @Override
        public Class<?> getType(ELContext ctx, Object base, Object property) {
            return null;
        }

        @Override
        public void setValue(ELContext ctx, Object base, Object property, Object value) {}

        @Override
        public boolean isReadOnly(ELContext ctx, Object base, Object property) {
            return true;
        }

        @Override
        public java.util.Iterator<java.beans.FeatureDescriptor> getFeatureDescriptors(ELContext ctx, Object base) {
            return null;
        }

        @Override
        public Class<?> getCommonPropertyType(ELContext ctx, Object base) {
            return null;
        }
    }

    /**
     * jinja2's {@code is iterable}: whatever Python can iterate, strings included (Jinjava's test says
     * no to strings, so Llama 3's {@code content is mapping or content is iterable} took the other branch).
     */
    static boolean iterable(Object var) {
        return var instanceof CharSequence || var instanceof Iterable<?> || var instanceof java.util.Map<?, ?>
                || var instanceof java.util.Iterator<?> || var != null && var.getClass().isArray();
    }

    private static final Object NONE = new Object();

    /**
     * Python's {@code sep.join(items)}: what a loop over {@code items} visits (a dict's keys, a string's
     * characters), each a string, else Python's TypeError message.
     */
    private static String join(String sep, Object items) {
        Object it = PyEscapes.iterate(items);
        if (!(it instanceof Iterable<?> list)) {
            throw PyOperators.typeError("can only join an iterable");
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (Object o : list) {
            if (!(o instanceof CharSequence) && !(o instanceof com.hubspot.jinjava.objects.SafeString)) {
                throw PyOperators.typeError("sequence item " + i + ": expected str instance, " + PyOperators.typeName(o) + " found");
            }
            out.append(i++ > 0 ? sep : "").append(o);
        }
        return out.toString();
    }

    static Object call(String s, String m, Object[] p) {
        String a0 = p.length > 0 && p[0] != null ? String.valueOf(p[0]) : null;
        switch (m) {
            case "strip": return rstrip(lstrip(s, a0), a0);
            case "lstrip": return lstrip(s, a0);
            case "rstrip": return rstrip(s, a0);
            case "startswith": return anyOf(p[0], x -> s.startsWith(x));
            case "endswith": return anyOf(p[0], x -> s.endsWith(x));
            case "upper": return s.toUpperCase(Locale.ROOT);
            case "lower": return s.toLowerCase(Locale.ROOT);
            case "title": return title(s);
            case "capitalize": return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT)
                    + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace": {
                if (p.length > 2) {
                    int count = ((Number) p[2]).intValue();
                    String out = s;
                    int from = 0;
                    StringBuilder b = new StringBuilder();
                    for (int k = 0; k < count || count < 0; k++) {
                        int at = out.indexOf(a0, from);
                        if (at < 0) {
                            break;
                        }
                        b.append(out, from, at).append(p[1]);
                        from = at + a0.length();
                    }
                    return b.append(out.substring(from)).toString();
                }
                return s.replace(a0, String.valueOf(p[1]));
            }
            case "split": return split(s, a0, p.length > 1 ? ((Number) p[1]).intValue() : -1);
            case "find": return (long) s.indexOf(a0);
            case "count": return (long) count(s, a0);
            case "join": return p.length == 1 ? join(s, p[0]) : NONE;
            case "splitlines": return List.of(s.split("\r\n|\r|\n", -1)).subList(0,
                    s.isEmpty() ? 0 : (s.endsWith("\n") || s.endsWith("\r") ? s.split("\r\n|\r|\n", -1).length - 1
                            : s.split("\r\n|\r|\n", -1).length));
            case "isdigit": return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isspace": return !s.isEmpty() && s.chars().allMatch(ch -> WS.indexOf(ch) >= 0);
            default: return NONE;
        }
    }

    private static boolean anyOf(Object arg, java.util.function.Predicate<String> test) {
        if (arg instanceof List<?> l) {
            return l.stream().anyMatch(x -> test.test(String.valueOf(x)));
        }
        return test.test(String.valueOf(arg));
    }

    /** {@code s.strip(chars)}; null chars: Python's whitespace. */
    static String strip(String s, String chars) {
        return rstrip(lstrip(s, chars), chars);
    }

    private static String lstrip(String s, String chars) {
        String set = chars == null ? WS : chars;
        int i = 0;
        while (i < s.length() && set.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return s.substring(i);
    }

    private static String rstrip(String s, String chars) {
        String set = chars == null ? WS : chars;
        int j = s.length();
        while (j > 0 && set.indexOf(s.charAt(j - 1)) >= 0) {
            j--;
        }
        return s.substring(0, j);
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int c = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            c++;
        }
        return c;
    }

    private static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean prevCased = false;
        for (char c : s.toCharArray()) {
            b.append(prevCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            prevCased = Character.isLetter(c);
        }
        return b.toString();
    }

    /** Python {@code str.split(sep, maxsplit)}; sep null splits on runs of whitespace. */
    static List<String> split(String s, String sep, int max) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && WS.indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                if (max >= 0 && out.size() == max) {
                    out.add(rstrip(s.substring(i), null));
                    break;
                }
                int j = i;
                while (j < n && WS.indexOf(s.charAt(j)) < 0) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int from = 0;
        for (int at = s.indexOf(sep); at >= 0 && (max < 0 || out.size() < max); at = s.indexOf(sep, from)) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    /** Python {@code strftime} for the directives chat templates use (C locale names). */
    static String strftime(LocalDateTime t, String f) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c != '%' || i + 1 >= f.length()) {
                b.append(c);
                continue;
            }
            char d = f.charAt(++i);
            switch (d) {
                case 'd' -> b.append(String.format("%02d", t.getDayOfMonth()));
                case 'm' -> b.append(String.format("%02d", t.getMonthValue()));
                case 'Y' -> b.append(t.getYear());
                case 'y' -> b.append(String.format("%02d", t.getYear() % 100));
                case 'b' -> b.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> b.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'H' -> b.append(String.format("%02d", t.getHour()));
                case 'I' -> b.append(String.format("%02d", (t.getHour() + 11) % 12 + 1));
                case 'p' -> b.append(t.getHour() < 12 ? "AM" : "PM");
                case 'M' -> b.append(String.format("%02d", t.getMinute()));
                case 'S' -> b.append(String.format("%02d", t.getSecond()));
                case 'j' -> b.append(String.format("%03d", t.getDayOfYear()));
                case '%' -> b.append('%');
                default -> b.append('%').append(d);
            }
        }
        return b.toString();
    }
}

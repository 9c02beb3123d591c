package dev.unlearn.core.text;

/**
 * Rewrites the code inside a Jinja template's {@code {{ }}} and {@code {% %}} tags where Jinjava's lexer
 * reads it differently from jinja2's; text outside tags, comments and {@code raw} blocks is left alone.
 *
 * <ul>
 *   <li><b>Escapes.</b> jinja2 decodes {@code '\n'}, {@code '\t'}, {@code '\x41'}, {@code '\u00e9'}, ... in
 *       string literals (Python {@code unicode-escape}); Jinjava's EL keeps everything but {@code \\},
 *       {@code \'} and {@code \"} verbatim. Each literal is decoded to the characters jinja2 would produce
 *       and re-quoted for Jinjava (raw characters are valid inside its literals).
 *   <li><b>Plus before a number.</b> Jinjava (2.7) lexes {@code +1} as a signed literal even after an
 *       operand, so {@code loop.index0+1} or {@code messages[i+1]} is a syntax error there, while
 *       jinja2 reads an addition. A {@code +} that follows an operand (a name, a number, a literal,
 *       {@code )} or {@code ]}) and precedes a digit gets a space after it; a {@code +} after an
 *       operator or keyword (a unary plus) and the exponent of {@code 1e+5} stay as written.
 * </ul>
 */
final class PyEscapes {
    private PyEscapes() {}

    static String decodeLiterals(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            if (src.startsWith("{#", i)) {
                int e = src.indexOf("#}", i + 2);
                e = e < 0 ? n : e + 2;
                out.append(src, i, e);
                i = e;
            } else if (src.startsWith("{{", i) || src.startsWith("{%", i)) {
                String close = src.startsWith("{{", i) ? "}}" : "%}";
                if (close.equals("%}") && isRaw(src, i)) {
                    int end = src.indexOf("endraw", i);
                    int e = end < 0 ? n : src.indexOf("%}", end);
                    e = e < 0 ? n : e + 2;
                    out.append(src, i, e);
                    i = e;
                    continue;
                }
                int code = out.length() + 2; // where this tag's code starts in out
                out.append(src, i, i + 2);
                i += 2;
                while (i < n && !src.startsWith(close, i)) {
                    char c = src.charAt(i);
                    if (c == '\'' || c == '"') {
                        int j = i + 1;
                        StringBuilder lit = new StringBuilder();
                        while (j < n && src.charAt(j) != c) {
                            if (src.charAt(j) == '\\' && j + 1 < n) {
                                j = decodeEscape(src, j, lit);
                            } else {
                                lit.append(src.charAt(j++));
                            }
                        }
                        out.append(c).append(requote(lit.toString(), c)).append(c);
                        i = Math.min(n, j + 1);
                    } else if (c == '+' && beforeNumber(src, i + 1) && afterOperand(out, code)) {
                        out.append("+ ");
                        i++;
                    } else {
                        out.append(c);
                        i++;
                    }
                }
                if (i < n) {
                    out.append(close);
                    i += 2;
                }
            } else {
                out.append(src.charAt(i++));
            }
        }
        return out.toString();
    }

    /** Whether a number literal starts at {@code src[j]} ({@code 1}, {@code .5}). */
    private static boolean beforeNumber(String src, int j) {
        return j < src.length() && (Character.isDigit(src.charAt(j))
                || src.charAt(j) == '.' && j + 1 < src.length() && Character.isDigit(src.charAt(j + 1)));
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("and", "or", "not", "in", "is", "if",
            "elif", "else", "for", "set", "return", "do");

    /**
     * Whether the code written so far ({@code out} from {@code code} on) ends in an operand, so that a
     * {@code +} here is binary: a name that is not a keyword, a number that does not end in an exponent
     * marker ({@code 1e}), a string literal, {@code )} or {@code ]}.
     */
    private static boolean afterOperand(StringBuilder out, int code) {
        int k = out.length() - 1;
        while (k >= code && Character.isWhitespace(out.charAt(k))) {
            k--;
        }
        if (k < code) {
            return false;
        }
        char p = out.charAt(k);
        if (p == ')' || p == ']' || p == '\'' || p == '"') {
            return true;
        }
        if (!Character.isLetterOrDigit(p) && p != '_') {
            return false;
        }
        int w = k;
        while (w > code && (Character.isLetterOrDigit(out.charAt(w - 1)) || out.charAt(w - 1) == '_' || out.charAt(w - 1) == '.')) {
            w--;
        }
        String word = out.substring(w, k + 1);
        return !KEYWORDS.contains(word) && !word.matches("(\\d+\\.?\\d*|\\.\\d+)[eE]");
    }

    private static boolean isRaw(String src, int i) {
        int j = i + 2;
        while (j < src.length() && (src.charAt(j) == '-' || src.charAt(j) == '+' || Character.isWhitespace(src.charAt(j)))) {
            j++;
        }
        return src.startsWith("raw", j) && (j + 3 >= src.length() || !Character.isLetterOrDigit(src.charAt(j + 3)));
    }

    /** Decodes the escape at {@code src[j] == '\\'} into {@code lit}; returns the index after it. */
    private static int decodeEscape(String src, int j, StringBuilder lit) {
        char e = src.charAt(j + 1);
        switch (e) {
            case 'n': lit.append('\n'); return j + 2;
            case 't': lit.append('\t'); return j + 2;
            case 'r': lit.append('\r'); return j + 2;
            case '\\': lit.append('\\'); return j + 2;
            case '\'': lit.append('\''); return j + 2;
            case '"': lit.append('"'); return j + 2;
            case 'a': lit.append('\u0007'); return j + 2;
            case 'b': lit.append('\b'); return j + 2;
            case 'f': lit.append('\f'); return j + 2;
            case 'v': lit.append('\u000b'); return j + 2;
            case '\n': return j + 2;
            case 'x': return hex(src, j, 2, lit);
            case 'u': return hex(src, j, 4, lit);
            case 'U': return hex(src, j, 8, lit);
            default:
                if (e >= '0' && e <= '7') {
                    int k = j + 1;
                    int v = 0;
                    while (k < src.length() && k < j + 4 && src.charAt(k) >= '0' && src.charAt(k) <= '7') {
                        v = v * 8 + (src.charAt(k++) - '0');
                    }
                    lit.appendCodePoint(v);
                    return k;
                }
                // unknown escapes stay as written, as in Python
                lit.append('\\').append(e);
                return j + 2;
        }
    }

    private static int hex(String src, int j, int digits, StringBuilder lit) {
        int s = j + 2;
        if (s + digits > src.length()) {
            lit.append(src, j, j + 2);
            return j + 2;
        }
        try {
            lit.appendCodePoint(Integer.parseInt(src.substring(s, s + digits), 16));
            return s + digits;
        } catch (NumberFormatException ex) {
            lit.append(src, j, j + 2);
            return j + 2;
        }
    }

    private static String requote(String s, char quote) {
        StringBuilder b = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '\\' || c == quote) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}

package dev.unlearn.cli;

/** Text from untrusted input made safe to echo on a terminal or in a log line. */
public final class Texts {
    private Texts() {}

    /**
     * {@code s} with every control character (ANSI escapes, NUL, CR, bidi overrides and other format
     * characters) replaced by its {@code \\uXXXX} escape, so that echoed input cannot rewrite the
     * terminal or forge log lines.
     */
    public static String printable(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            int t = Character.getType(c);
            if (c == '\t') {
                b.appendCodePoint(c);
            } else if (t == Character.CONTROL || t == Character.FORMAT || t == Character.UNASSIGNED
                    || t == Character.LINE_SEPARATOR || t == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}

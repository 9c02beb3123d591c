package dev.unlearn.cli;

/** Text from untrusted input made safe to echo on a terminal or in a log line, or to name a folder. */
public final class Texts {
    /** What {@link #isPathSegment} accepts, for error messages. */
    public static final String PATH_SEGMENT_RULE =
            "one path segment of letters, digits, '.', '_' and '-', starting with a letter or digit";

    private static final java.util.regex.Pattern SEGMENT = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Texts() {}

    /**
     * Whether {@code s} can name a folder inside a directory the toolkit writes: one path segment of at
     * most 128 letters, digits, '.', '_' and '-', starting with a letter or digit and holding no "..", so
     * it can neither climb out ({@code ../x}), nest ({@code a/b}) nor hide ({@code .x}).
     */
    public static boolean isPathSegment(String s) {
        return s != null && SEGMENT.matcher(s).matches() && !s.contains("..");
    }

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

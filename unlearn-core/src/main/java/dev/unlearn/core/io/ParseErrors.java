package dev.unlearn.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One-line descriptions of JSON and YAML syntax errors, for messages that already name the file.
 *
 * <p>Jackson's own messages are made for logs: a JSON error embeds {@code [Source: REDACTED
 * (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]}, and a YAML error is the
 * SnakeYAML scanner's report over several lines, with an excerpt of the file and a caret, while the location Jackson
 * attaches to it is not the problem's. This keeps the problem text and states where it is once:
 * {@code found character '\t(TAB)' that cannot start any token. (Do not use \t(TAB) for indentation) (line 2,
 * column 1)}.
 */
public final class ParseErrors {
    private static final Pattern SOURCE = Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)]");
    /** SnakeYAML's mark lines: {@code  in 'reader', line 2, column 1:}. */
    private static final Pattern YAML_MARK = Pattern.compile("^ in '[^']*', line (\\d+), column (\\d+):?$");

    /** What a second YAML document or JSON value after the first reads as. */
    public static final String TRAILING = "content after the first document (a second '---' document or JSON value);"
            + " a file holds one";

    private ParseErrors() {}

    /** The problem and where it is: {@code Unexpected end-of-input ... (line 3, column 1)}. */
    public static String describe(IOException ex) {
        JsonProcessingException j = parseError(ex);
        if (j == null) {
            return firstLine(ex.getMessage());
        }
        if (boundTypesCheck(j)) {
            return message(j); // a check of the bound type: its place in the file says nothing
        }
        String where = yamlProblemMark(j.getOriginalMessage());
        if (where == null && j.getLocation() != null && j.getLocation().getLineNr() > 0) {
            where = "line " + j.getLocation().getLineNr()
                    + (j.getLocation().getColumnNr() > 0 ? ", column " + j.getLocation().getColumnNr() : "");
        }
        return message(j) + (where == null ? "" : " (" + where + ")");
    }

    /** The problem alone, on one line, for callers that state the line themselves. */
    public static String message(IOException ex) {
        JsonProcessingException j = parseError(ex);
        if (j == null) {
            return firstLine(ex.getMessage());
        }
        if (boundTypesCheck(j)) {
            return firstLine(j.getCause().getMessage());
        }
        if (trailing(j)) {
            return TRAILING;
        }
        String m = j.getOriginalMessage() == null ? "" : j.getOriginalMessage();
        List<String> kept = new ArrayList<>();
        for (String line : m.split("\\R")) {
            // SnakeYAML: context and problem lines start at column 0; mark lines, excerpts and carets are indented
            if (!line.isBlank() && !line.startsWith(" ")) {
                kept.add(line.strip());
            }
        }
        String one = String.join(": ", kept);
        Matcher s = SOURCE.matcher(one);
        return s.replaceAll("line $1, column $2");
    }

    /** Whether {@code ex} is a second document or value after the first (DeserializationFeature.FAIL_ON_TRAILING_TOKENS). */
    public static boolean trailing(IOException ex) {
        JsonProcessingException j = parseError(ex);
        return j != null && String.valueOf(j.getOriginalMessage()).startsWith("Trailing token");
    }

    /** Whether a mapping error is the bound type's own check (its constructor threw), not Jackson's. */
    private static boolean boundTypesCheck(JsonProcessingException j) {
        return j instanceof JsonMappingException && j.getCause() != null && !(j.getCause() instanceof IOException);
    }

    /** The syntax error behind {@code ex} (a mapping error wrapping a parse error included), or null. */
    private static JsonProcessingException parseError(IOException ex) {
        if (ex instanceof JsonMappingException m && m.getCause() instanceof JsonProcessingException p) {
            return p;
        }
        return ex instanceof JsonProcessingException j ? j : null;
    }

    /** The last SnakeYAML mark (the problem's; a context mark comes before it), as "line L, column C"; else null. */
    private static String yamlProblemMark(String message) {
        if (message == null) {
            return null;
        }
        String where = null;
        for (String line : message.split("\\R")) {
            Matcher m = YAML_MARK.matcher(line);
            if (m.matches()) {
                where = "line " + m.group(1) + ", column " + m.group(2);
            }
        }
        return where;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}

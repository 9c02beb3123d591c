package dev.unlearn.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Jackson's JSON and YAML syntax errors, as Jackson and SnakeYAML throw them, on one line with their place. */
class ParseErrorsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static JsonProcessingException json(String text) {
        return assertThrows(JsonProcessingException.class, () -> JSON.readTree(text));
    }

    static JsonProcessingException yaml(String text) {
        return assertThrows(JsonProcessingException.class, () -> YAML.readTree(text));
    }

    @Test
    void aJsonErrorLosesItsSourceBlockAndStatesItsPlaceOnce() {
        JsonProcessingException ex = json("[{\"question\": \"q\",\n \"answer\": \"a\"");
        assertEquals("Unexpected end-of-input: expected close marker for Object (start marker at line 1, column 2)"
                + " (line 2, column 15)", ParseErrors.describe(ex));
        assertEquals("Unexpected end-of-input: expected close marker for Object (start marker at line 1, column 2)",
                ParseErrors.message(ex));
        assertEquals("Unexpected character ('\"' (code 34)): was expecting a colon to separate field name and value"
                + " (line 1, column 29)", ParseErrors.describe(json("{\"question\": \"q2\", \"answer\" \"b\"}")));
    }

    @Test
    void aYamlErrorIsTheScannersProblemAtItsMarkWithoutTheExcerpt() {
        assertEquals("while scanning for the next token: found character '\\t(TAB)' that cannot start any token."
                + " (Do not use \\t(TAB) for indentation) (line 2, column 1)",
                ParseErrors.describe(yaml("name: x\n\tdata: 1\n")));
        // two marks: the context's (where the list opened) and the problem's, which is the one stated
        assertEquals("while parsing a flow sequence: expected ',' or ']', but got <stream end> (line 2, column 1)",
                ParseErrors.describe(yaml("foo: [1\n")));
    }

    @Test
    void aMappingErrorWrappingASyntaxErrorIsDescribedByTheSyntaxError() {
        JsonProcessingException syntax = yaml("a: [1\n");
        JsonMappingException ex = new JsonMappingException(null, "while binding", syntax); // as a typed read wraps it
        assertEquals(ParseErrors.describe(syntax), ParseErrors.describe(ex));
    }

    @Test
    void aSecondDocumentIsNamedAsSuch() {
        ObjectMapper strict = new ObjectMapper(new YAMLFactory())
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        JsonProcessingException ex = assertThrows(JsonProcessingException.class, () -> strict.readTree("a: 1\n---\nb: 2\n"));
        assertEquals(ParseErrors.TRAILING + " (line 3, column 1)", ParseErrors.describe(ex));
    }

    /** A type whose constructor checks its value, as GuardFilter checks its format. */
    record Checked(int version) {
        Checked {
            if (version != 1) {
                throw new IllegalArgumentException("not version 1: " + version);
            }
        }
    }

    @Test
    void aBoundTypesOwnCheckReadsAsItsMessageAlone() {
        JsonProcessingException ex = assertThrows(JsonProcessingException.class,
                () -> JSON.readValue("{\"version\": 2}", Checked.class));
        assertEquals("not version 1: 2", ParseErrors.describe(ex));
    }

    @Test
    void anotherIoErrorIsItsFirstLine() {
        assertEquals("disk gone", ParseErrors.describe(new IOException("disk gone\nat somewhere")));
    }
}

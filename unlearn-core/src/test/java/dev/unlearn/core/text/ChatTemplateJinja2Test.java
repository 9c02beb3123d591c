package dev.unlearn.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jinjava renders the test templates exactly as Python's jinja2 does under transformers' settings. The
 * expected outputs were made by {@code tools/chat-templates/generate_expected.py} (jinja2) and are
 * committed, so this test needs no Python.
 */
class ChatTemplateJinja2Test {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode resource(String name) throws IOException {
        try (InputStream in = ChatTemplateJinja2Test.class.getResourceAsStream("/chat-templates/" + name)) {
            return JSON.readTree(in);
        }
    }

    static String text(String name) throws IOException {
        try (InputStream in = ChatTemplateJinja2Test.class.getResourceAsStream("/chat-templates/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Stream<Arguments> cases() throws IOException {
        JsonNode exp = resource("expected.json");
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : exp.get("cases")) {
            out.add(Arguments.of(c.get("template").asText(), c.get("conversation").asText() + (c.path("tools").asBoolean() ? " with tools" : ""),
                    c.get("add_generation_prompt").asBoolean(), c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} / {1} / generation prompt {2}")
    @MethodSource("cases")
    void rendersLikeJinja2(String template, String conversation, boolean agp, JsonNode c) throws IOException {
        JsonNode exp = resource("expected.json");
        Map<String, Object> specials = new LinkedHashMap<>();
        exp.get("specials").get(template).fields().forEachRemaining(e -> specials.put(e.getKey(), e.getValue().asText()));
        Clock fixed = Clock.fixed(LocalDateTime.parse(exp.get("now").asText()).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        // NAME-crlf: NAME.jinja with Windows line endings, as the generator makes it
        String source = template.endsWith("-crlf")
                ? text(template.substring(0, template.length() - "-crlf".length()) + ".jinja").replace("\n", "\r\n")
                : text(template + ".jinja");
        ChatTemplate t = new ChatTemplate(source, template, specials).withClock(fixed);
        // each message whole (tool_calls, tool_call_id, name), as transformers passes it
        List<Map<String, Object>> messages = JSON.convertValue(resource("conversations.json").get(c.get("conversation").asText()),
                new TypeReference<List<Map<String, Object>>>() { });
        Map<String, Object> extra = c.path("tools").asBoolean()
                ? Map.of("tools", JSON.convertValue(resource("tools.json"), List.class)) : Map.of();
        if (c.has("error")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> t.renderMessages(messages, agp, extra));
            // a TypeError's text is Python's own ("can only concatenate str (not "NoneType") to str"): the error suffices
            assertTrue(c.has("error_type") || e.getMessage().contains(c.get("error").asText()), e.getMessage());
        } else {
            assertEquals(c.get("output").asText(), t.renderMessages(messages, agp, extra));
        }
        boolean plain = messages.stream().allMatch(m -> m.keySet().equals(java.util.Set.of("role", "content")));
        if (plain && extra.isEmpty() && !c.has("error")) { // the toolkit's own path: role and content only
            List<ChatTemplate.Message> ms = messages.stream()
                    .map(m -> new ChatTemplate.Message((String) m.get("role"), (String) m.get("content"))).toList();
            assertEquals(c.get("output").asText(), t.render(ms, agp));
        }
    }
}

package dev.unlearn.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where Python raises {@code TypeError} for {@code +}, the renderer refuses too, naming both types: Jinjava
 * joined {@code 'x' + none} into {@code xnull} and {@code 'x' + {'a': 1}} into {@code x{a=1}}. (Successful
 * additions, {@code ~}, loops and {@code format} are compared with jinja2 in {@link ChatTemplateJinja2Test},
 * template {@code operators}; the TypeErrors here were checked with jinja2 3.1.6 by hand, since the two
 * engines' messages differ.)
 */
class PyOperatorsTest {
    private static String render(String template) {
        Map<String, Object> m = new HashMap<>();
        m.put("role", "user");
        m.put("content", null);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("city", "Paris");
        m.put("args", args);
        return new ChatTemplate(template, "t.jinja", Map.of()).renderMessages(List.of(m), false, Map.of());
    }

    @Test
    void addingWhatPythonCannotAddIsAnErrorNamingTheTypes() {
        Map<String, String> cases = Map.of(
                "{{ 'x' + messages[0].content }}", "'str' and 'NoneType'",
                "{{ messages[0].missing + 'x' }}", "'NoneType' and 'str' (a null or undefined value)",
                "{{ 'x' + messages[0].args }}", "'str' and 'dict'",
                "{{ messages[0].args + messages[0].args }}", "'dict' and 'dict'",
                "{{ [1] + 2 }}", "'list' and 'int'",
                "{{ 'n' + 1 }}", "'str' and 'int'",
                "{{ 1.5 + 'a' }}", "'float' and 'str'");
        cases.forEach((template, types) -> refused(template, "unsupported operand types for +: " + types));
    }

    /** Rendering {@code template} fails with an error whose message holds {@code message}. */
    private static void refused(String template, String message) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> render(template), template);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void multiplyingMembershipAndModuloFailWherePythonRaises() {
        Map<String, String> cases = Map.of(
                "{{ 'a' * 'b' }}", "unsupported operand types for *: 'str' and 'str'",
                "{{ messages[0].args * 2 }}", "unsupported operand types for *: 'dict' and 'int'",
                "{{ 1 in 'abc' }}", "'in <string>' requires string as left operand, not int",
                "{{ 'a' in 3 }}", "argument of type 'int' is not iterable",
                "{{ 1 % 0 }}", "integer modulo by zero",
                "{{ [1] % 2 }}", "unsupported operand types for %: 'list' and 'int'");
        cases.forEach(PyOperatorsTest::refused);
        // where Jinjava coerced and failed, Python compares: different types are unequal
        assertEquals("True False True", render("{{ 2 != 'x' }} {{ messages[0].args == [] }} {{ messages[0].content == none }}"));
    }

    @Test
    void pythonsAdditionsWork() {
        assertEquals("xuser [1, 2] 3 2 1.5 True", render("{{ 'x' + messages[0].role }} {{ [1] + [2] }} {{ 1 + 2 }}"
                + " {{ true + true }} {{ false + 1.5 }} {{ messages[0].role ~ '' == 'user' }}"));
        assertEquals("city / Paris / <P><a>", render("{% for k in messages[0].args %}{{ k }}{% endfor %} / "
                + "{% for k, v in messages[0].args.items() %}{{ v }}{% endfor %} / {% for c in 'Pa' %}<{{ c }}>{% endfor %}"));
    }
}

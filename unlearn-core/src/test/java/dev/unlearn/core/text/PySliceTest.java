package dev.unlearn.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code py_slice} against Python's own extended slices (slices.json, written by generate_expected.py). */
class PySliceTest {
    private static Long bound(String s) {
        return s.equals("None") ? null : Long.valueOf(s);
    }

    @Test
    void everyBoundAndStepSlicesAsPythonDoes() throws IOException {
        JsonNode exp = ChatTemplateJinja2Test.resource("slices.json");
        String seq = exp.get("sequence").asText();
        List<Object> chars = new ArrayList<>();
        seq.codePoints().forEach(c -> chars.add(Character.toString(c)));
        int n = 0;
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) exp.get("slices")::fields) {
            String[] k = e.getKey().split(":");
            String want = e.getValue().asText();
            assertEquals(want, PyEscapes.slice(seq, bound(k[0]), bound(k[1]), bound(k[2])), e.getKey());
            @SuppressWarnings("unchecked")
            List<Object> got = (List<Object>) PyEscapes.slice(chars, bound(k[0]), bound(k[1]), bound(k[2]));
            assertEquals(want, String.join("", got.stream().map(String::valueOf).toList()), e.getKey() + " (list)");
            n++;
        }
        assertEquals(16 * 16 * 7, n);
    }

    @Test
    void aZeroStepOrANonIntegerBoundIsAnError() {
        assertEquals("slice step cannot be zero",
                assertThrows(IllegalArgumentException.class, () -> PyEscapes.slice("abc", null, null, 0L)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PyEscapes.slice("abc", 0.5, null, -1L));
        assertThrows(IllegalArgumentException.class, () -> PyEscapes.slice(7L, null, null, -1L));
    }

    @Test
    void anUnknownFilterIsRefusedAsJinja2RefusesIt() {
        dev.unlearn.core.InvalidInputException ex = assertThrows(dev.unlearn.core.InvalidInputException.class,
                () -> new ChatTemplate("{{ messages | lenght }}", "typo.jinja", Map.of()));
        assertEquals("chat template typo.jinja: no filter named 'lenght'", ex.getMessage());
        ChatTemplate ok = new ChatTemplate("{{ 'a|b' }}{{ messages | length }}{{ messages|map(attribute='role')|max }}"
                + "{% for k, v in messages[0]|items %}{{ k }}{% endfor %}", "ok.jinja", Map.of());
        assertEquals("a|b1userrolecontent", ok.render(List.of(new ChatTemplate.Message("user", "hi")), false));
    }

    @Test
    void theRewriteLeavesWhatJinjavaAlreadyReadsAlone() {
        for (String same : new String[] {"{% macro f(a=1, b=x|length - 1) %}{% endmacro %}", "{% set a, b = 1, 2 %}",
"{% raw %}{{ x[::-1] }}{% endraw %}", "{# x[::-1] #}", "text [::-1] a=b+1"}) {
            assertEquals(same, PyEscapes.forJinjava(same), same);
        }
        // what {{ x }} prints is Python's str(x): the expression becomes py_str's argument, otherwise as written
        for (String same : new String[] {" messages[1:] ", " x[a:b] ", " d['a:b:c'] ", " {'a': 1}['a'] ", " a == b and c != d "}) {
            assertEquals("{{ py_str(" + same + ") }}", PyEscapes.forJinjava("{{" + same + "}}"), same);
        }
        assertEquals("{{- py_str( x ) -}}", PyEscapes.forJinjava("{{- x -}}"));
        // the literal none is None (py_none()), except as the name of a test
        assertEquals("{{ py_str( [py_none(), x is none, x is  not none, x.none, nonesuch] ) }}",
                PyEscapes.forJinjava("{{ [none, x is none, x is  not none, x.none, nonesuch] }}"));
        // an if or elif condition is tested with Python's truth: py_bool(condition)
        assertEquals("{% if py_bool(a == b and c != d) %}", PyEscapes.forJinjava("{% if a == b and c != d %}"));
        assertEquals("{%- elif py_bool(not ( x)) -%}", PyEscapes.forJinjava("{%- elif not x -%}"));
        assertEquals("{{ py_str( py_slice(messages, none, none, -1) ) }}", PyEscapes.forJinjava("{{ messages[::-1] }}"));
        assertEquals("{{ py_str( py_slice(f(x)[0].y, 1, none, 2) ) }}", PyEscapes.forJinjava("{{ f(x)[0].y[1::2] }}"));
        assertEquals("{{ py_str( py_slice('ab]c', none, n+ 1, none) ) }}", PyEscapes.forJinjava("{{ 'ab]c'[:n+1:] }}"));
        assertEquals("{%- set __unlearn_filtered0 = [] %}{% for m in py_iter(messages) %}{% if py_bool(m.role != 'system') %}"
                + "{% do __unlearn_filtered0.append(m) %}{% endif %}{% endfor %}{% for m in __unlearn_filtered0 %}{% py_loop_scope -%}",
                PyEscapes.forJinjava("{%- for m in messages if m.role != 'system' -%}"));
        // each item's body in a scope of its own (py_loop_scope), as jinja2 starts each iteration afresh
        assertEquals("{% set __unlearn_items0 = py_iter((a if b else c)) %}{% for m in __unlearn_items0 %}{% py_loop_scope %}",
                PyEscapes.forJinjava("{% for m in (a if b else c) %}"));
        // a loop's else: after the loop, when its items are none (Jinjava rendered it after every item)
        assertEquals("{% set __unlearn_items0 = py_iter(xs) %}{% for x in __unlearn_items0 %}{% py_loop_scope %}{{ py_str(x) }}"
                + "{%- endpy_loop_scope %}{% endfor %}{% if __unlearn_items0|length == 0 -%}none{% endif %}",
                PyEscapes.forJinjava("{% for x in xs %}{{x}}{%- else -%}none{% endfor %}"));
        assertEquals("{% if py_bool(a) %}1{% else %}2{% endif %}", PyEscapes.forJinjava("{% if a %}1{% else %}2{% endif %}"));
        // several names (Mistral's "for key, val in tool.items() if key != 'return'"): [k, v] collected, then unpacked
        assertEquals("{% set __unlearn_filtered0 = [] %}{% for k, v in py_iter(d.items()) %}{% if py_bool(k) %}"
                + "{% do __unlearn_filtered0.append([k, v]) %}{% endif %}{% endfor %}{% for k, v in __unlearn_filtered0 %}"
                + "{% py_loop_scope %}{% endpy_loop_scope %}{% endfor %}",
                PyEscapes.forJinjava("{% for (k, v) in d.items() if k %}{% endfor %}"));
        assertThrows(dev.unlearn.core.InvalidInputException.class,
                () -> PyEscapes.forJinjava("{% for (a, (b, c)) in d if a %}{% endfor %}"));
        assertEquals("{% set ns = namespace(a=(xs|length - 1), b=( 'x')) %}",
                PyEscapes.forJinjava("{% set ns = namespace(a=xs|length - 1, b= 'x') %}"));
    }
}

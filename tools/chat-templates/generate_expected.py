#!/usr/bin/env python3
"""Renders the test chat templates with Python's jinja2 under transformers' apply_chat_template
settings and writes the expected outputs that ChatTemplateJinja2Test compares Jinjava against.

Also writes slices.json, Python's extended slices of a short string, for PyEscapes.slice.
Run from the repository root after changing a template or a conversation:
    python3 tools/chat-templates/generate_expected.py
Needs only jinja2 (Debian: apt-get install python3-jinja2). The environment mirrors
transformers.utils.chat_template_utils._compile_jinja_template: ImmutableSandboxedEnvironment with
trim_blocks and lstrip_blocks, the loopcontrols extension, the generation block (rendered as its body), a tojson filter that calls
json.dumps(ensure_ascii=False), and the raise_exception / strftime_now globals. strftime_now reads a
fixed time (2025-04-10 14:30:00) so that the outputs do not depend on the day they are generated.
As transformers does, every render passes tools and documents (None unless given).
"""
import datetime
import json
import os

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, "..", "..", "unlearn-core", "src", "test", "resources", "chat-templates")
NOW = datetime.datetime(2025, 4, 10, 14, 30, 0)

SPECIALS = {
    "llama3-style": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "qwen-style": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
    "gemma-style": {"bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>"},
    "mistral-style": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"},
    "features": {"bos_token": "<s>", "eos_token": "</s>"},
    "arithmetic": {"bos_token": "<s>", "eos_token": "</s>"},
    "reverse-scan": {"eos_token": "<|im_end|>"},
    "trailing-newline": {"eos_token": "</s>"},
    "printing": {"eos_token": "</s>"},
    "operators": {"eos_token": "</s>"},
    "neighbours": {"eos_token": "</s>"},
    "generation": {"eos_token": "<|im_end|>"},
    "for-else": {"eos_token": "</s>"},
    "join": {"eos_token": "</s>"},
    "dict": {"eos_token": "</s>"},
    "loop-scope": {"eos_token": "</s>"},
    # NAME-crlf: NAME.jinja with Windows line endings (made here and in the test, so git keeps one file)
    "qwen-style-crlf": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
    "mistral-style-crlf": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"},
}


def source(name):
    """The template text: NAME.jinja, or for NAME-crlf that file with every newline written as CRLF."""
    base = name[:-len("-crlf")] if name.endswith("-crlf") else name
    with open(os.path.join(RES, base + ".jinja"), encoding="utf-8", newline="") as f:
        text = f.read()
    return text.replace("\n", "\r\n") if name.endswith("-crlf") else text


class GenerationBlock(Extension):
    """transformers' {% generation %}...{% endgeneration %} (assistant-mask templates): the body renders as it is;
    transformers only records where it starts and ends."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_body"), [], [], body).set_lineno(lineno)

    def _body(self, caller):
        return caller()


def env():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return NOW.strftime(fmt)

    e = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols", GenerationBlock])
    e.filters["tojson"] = tojson
    e.globals["raise_exception"] = raise_exception
    e.globals["strftime_now"] = strftime_now
    return e


# conversations also rendered with tools=tools.json (apply_chat_template(tools=...))
WITH_TOOLS = ["tool-calls"]


def main():
    with open(os.path.join(RES, "conversations.json"), encoding="utf-8") as f:
        conversations = json.load(f)
    with open(os.path.join(RES, "tools.json"), encoding="utf-8") as f:
        tools = json.load(f)
    e = env()
    cases = []
    for name in sorted(SPECIALS):
        template = e.from_string(source(name))
        for conv_name, messages in conversations.items():
            for with_tools in ([False, True] if conv_name in WITH_TOOLS else [False]):
                for agp in (False, True):
                    case = {"template": name, "conversation": conv_name, "add_generation_prompt": agp}
                    # as transformers' render_jinja_template: tools and documents are always passed, None when absent
                    extra = dict(SPECIALS[name], tools=None, documents=None)
                    if with_tools:
                        case["tools"] = True
                        extra["tools"] = tools
                    try:
                        case["output"] = template.render(messages=messages, add_generation_prompt=agp, **extra)
                    except jinja2.exceptions.TemplateError as ex:
                        case["error"] = str(ex)
                    except TypeError as ex:  # Python's own (a None content added to a string): messages differ
                        case["error"] = str(ex)
                        case["error_type"] = "TypeError"
                    cases.append(case)
    out = {"generator": "tools/chat-templates/generate_expected.py", "jinja2": jinja2.__version__,
           "now": NOW.isoformat(), "specials": SPECIALS, "cases": cases}
    with open(os.path.join(RES, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(len(cases), "cases written")
    # Python's extended slices of a 5-character string, for PyEscapes.slice (py_slice)
    bounds = [None] + list(range(-7, 8))
    slices = {}
    for a in bounds:
        for b in bounds:
            for c in [None, -3, -2, -1, 1, 2, 3]:
                slices[f"{a}:{b}:{c}"] = "abcde"[a:b:c]
    with open(os.path.join(RES, "slices.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": "tools/chat-templates/generate_expected.py", "sequence": "abcde", "slices": slices}, f,
                  indent=0)
        f.write("\n")
    print(len(slices), "slices written")


if __name__ == "__main__":
    main()

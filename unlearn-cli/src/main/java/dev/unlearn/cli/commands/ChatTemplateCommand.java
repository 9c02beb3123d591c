package dev.unlearn.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.BaseCommand;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import dev.unlearn.core.text.ChatTemplate;
import dev.unlearn.core.text.PromptTemplate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code unlearn chat-template}: renders a conversation with the model's chat template (or a given
 * one) and prints the text exactly, without a trailing newline, as transformers'
 * {@code apply_chat_template(messages, tokenize=False)} returns it.
 */
@Command(name = "chat-template", mixinStandardHelpOptions = true,
        header = "Render a conversation with a model's chat template.",
        description = "Prints the rendered text exactly (no newline added). FILE.json is a list of message objects, each"
                + " with a string 'role' and a 'content' (a string, null, or a list of parts; it may be left out of an"
                + " assistant message with 'tool_calls'). Every other field (tool_calls, tool_call_id, name, ...) reaches"
                + " the template as it does in transformers' apply_chat_template. The template is chat_template.jinja or"
                + " tokenizer_config.json's chat_template in --model, or --template FILE.jinja.")
public class ChatTemplateCommand extends BaseCommand {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model or tokenizer directory.")
    Path model;

    @Option(names = "--messages", required = true, paramLabel = "FILE.json", description = "The conversation.")
    Path messages;

    @Option(names = "--tools", paramLabel = "FILE.json", description = "A list of tool definitions (JSON schemas), passed"
            + " to the template as 'tools', as apply_chat_template(tools=...) does (without it, tools is None).")
    Path tools;

    @Option(names = "--var", paramLabel = "NAME=JSON", description = "Another template variable, as a keyword of"
            + " apply_chat_template: --var enable_thinking=false, --var 'documents=[{\"title\": \"a\", \"text\": \"b\"}]'."
            + " The value is JSON (a string needs its quotes). Repeatable.")
    List<String> vars = new ArrayList<>();

    @Option(names = "--add-generation-prompt", description = "End with the assistant turn's opening.")
    boolean addGenerationPrompt;

    @Option(names = "--template", paramLabel = "FILE.jinja", description = "A custom chat template (the model's special tokens apply).")
    Path template;

    @Override
    public Integer call() {
        List<Map<String, Object>> conversation = read(messages);
        Map<String, Object> extra = variables(vars);
        if (tools != null) {
            extra.put("tools", readTools(tools));
        }
        ChatTemplate t = template != null
                ? PromptTemplate.resolve("file:" + template, model, null).chatTemplate()
                : ChatTemplate.fromDirectory(model).orElseThrow(() -> new InvalidInputException(model
                        + " has no chat template (neither " + ChatTemplate.TEMPLATE_FILE + " nor chat_template in "
                        + ChatTemplate.TOKENIZER_CONFIG + "); pass --template FILE.jinja"));
        PrintWriter out = out();
        out.print(t.renderMessages(conversation, addGenerationPrompt, extra));
        out.flush();
        return ExitCodes.OK;
    }

    private static JsonNode json(Path f) {
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException ex) {
            throw new InvalidInputException(f + ": cannot read JSON: " + ParseErrors.describe(ex), ex);
        }
    }

    /** The messages, each whole (maps, lists and scalars as jinja2 sees them). */
    static List<Map<String, Object>> read(Path f) {
        JsonNode n = json(f);
        if (n == null || !n.isArray()) {
            throw new InvalidInputException(f + ": expected a list of {\"role\", \"content\"} objects");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode m = n.get(i);
            JsonNode content = m.path("content");
            boolean contentOk = content.isTextual() || content.isNull() || content.isArray()
                    || content.isMissingNode() && m.path("tool_calls").isArray();
            if (!m.isObject() || !m.path("role").isTextual() || !contentOk) {
                throw new InvalidInputException(f + ": entry " + i + ": needs a string 'role' and a 'content' (a string,"
                        + " null or a list of parts; only an assistant message with 'tool_calls' may leave it out), found " + m);
            }
            out.add(JSON.convertValue(m, MAP));
        }
        return out;
    }

    /** The --var values by name; a bad name or value names the option. */
    static Map<String, Object> variables(List<String> vars) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (String v : vars) {
            int eq = v.indexOf('=');
            String name = eq < 0 ? v : v.substring(0, eq);
            if (eq < 0 || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new InvalidInputException("--var " + v + ": expected NAME=JSON, e.g. enable_thinking=false");
            }
            if (ChatTemplate.RENDER_VARIABLES.contains(name) || name.equals("tools")) {
                throw new InvalidInputException("--var " + name + ": set by " + (name.equals("tools") ? "--tools"
                        : name.equals("messages") ? "--messages" : "--add-generation-prompt") + ", not by --var");
            }
            if (out.containsKey(name)) {
                throw new InvalidInputException("--var " + name + " is given twice");
            }
            try {
                out.put(name, JSON.readValue(v.substring(eq + 1), Object.class));
            } catch (IOException ex) {
                throw new InvalidInputException("--var " + v + ": the value is not JSON (" + ParseErrors.describe(ex)
                        + "); a string needs its quotes: " + name + "='\"...\"'", ex);
            }
        }
        return out;
    }

    private static List<Object> readTools(Path f) {
        JsonNode n = json(f);
        if (n == null || !n.isArray()) {
            throw new InvalidInputException(f + ": --tools expects a JSON list of tool definitions, found "
                    + (n == null ? "nothing" : n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isObject()) {
                throw new InvalidInputException(f + ": tool " + i + " must be a JSON object, found " + n.get(i));
            }
        }
        return JSON.convertValue(n, LIST);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final TypeReference<List<Object>> LIST = new TypeReference<>() { };
}

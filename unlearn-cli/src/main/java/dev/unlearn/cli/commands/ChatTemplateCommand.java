package dev.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.DeviceCommand;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code unlearn chat-template}: renders a conversation with the model's chat template (or a given
 * one) and prints the text exactly, without a trailing newline, as transformers'
 * {@code apply_chat_template(messages, tokenize=False)} returns it.
 */
@Command(name = "chat-template", mixinStandardHelpOptions = true,
        header = "Render a conversation with a model's chat template.",
        description = "Prints the rendered text exactly (no newline added). FILE.json is a list of {\"role\", \"content\"}"
                + " objects. The template is chat_template.jinja or tokenizer_config.json's chat_template in --model,"
                + " or --template FILE.jinja.")
public class ChatTemplateCommand extends DeviceCommand {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model or tokenizer directory.")
    Path model;

    @Option(names = "--messages", required = true, paramLabel = "FILE.json", description = "The conversation.")
    Path messages;

    @Option(names = "--add-generation-prompt", description = "End with the assistant turn's opening.")
    boolean addGenerationPrompt;

    @Option(names = "--template", paramLabel = "FILE.jinja", description = "A custom chat template (the model's special tokens apply).")
    Path template;

    @Override
    public Integer call() {
        ChatTemplate t = template != null
                ? PromptTemplate.resolve("file:" + template, model, null).chatTemplate()
                : ChatTemplate.fromDirectory(model).orElseThrow(() -> new InvalidInputException(model
                        + " has no chat template (neither " + ChatTemplate.TEMPLATE_FILE + " nor chat_template in "
                        + ChatTemplate.TOKENIZER_CONFIG + "); pass --template FILE.jinja"));
        PrintWriter out = out();
        out.print(t.render(read(messages), addGenerationPrompt));
        out.flush();
        return ExitCodes.OK;
    }

    static List<ChatTemplate.Message> read(Path f) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(f.toFile());
        } catch (IOException ex) {
            throw new InvalidInputException(f + ": cannot read JSON: " + ParseErrors.describe(ex), ex);
        }
        if (n == null || !n.isArray()) {
            throw new InvalidInputException(f + ": expected a list of {\"role\", \"content\"} objects");
        }
        List<ChatTemplate.Message> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode m = n.get(i);
            if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw new InvalidInputException(f + ": entry " + i + ": needs string 'role' and 'content', found " + m);
            }
            out.add(new ChatTemplate.Message(m.get("role").textValue(), m.get("content").textValue()));
        }
        return out;
    }
}

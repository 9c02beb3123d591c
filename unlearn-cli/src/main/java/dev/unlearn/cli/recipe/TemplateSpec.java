package dev.unlearn.cli.recipe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * {@code model.template} in a recipe: a name ({@code auto}, {@code chat}, {@code plain}, ...,
 * {@code file:PATH.jinja}) or a mapping ({@code user_start}/{@code user_end}/{@code assistant_start}/
 * {@code answer_prefix}, or {@code chat_template}/{@code chat_template_file} with optional
 * {@code system_prompt}). A mapping is kept as its JSON text, which
 * {@link dev.unlearn.core.text.PromptTemplate#resolve} reads.
 */
public final class TemplateSpec extends JsonDeserializer<String> {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        JsonNode n = ctx.readTree(p); // not p.readValueAsTree(): the strict mapper fails on trailing tokens mid-document
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isObject()) {
            return n.toString();
        }
        return (String) ctx.reportInputMismatch(String.class, "expected a template name or a mapping, found %s", n);
    }
}

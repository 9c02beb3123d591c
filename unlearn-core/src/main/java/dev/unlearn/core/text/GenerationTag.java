package dev.unlearn.core.text;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;

/**
 * {@code {% generation %}...{% endgeneration %}}, the block with which assistant-mask templates mark the
 * assistant's tokens for transformers' {@code return_assistant_tokens_mask}. transformers renders its body
 * unchanged (the marks only record where it starts and ends), and so does this tag. The toolkit finds the
 * answer tokens from the generation prompt instead, so the marks themselves are not needed.
 */
final class GenerationTag implements Tag {
    private static final long serialVersionUID = 1L;

    @Override
    public String getName() {
        return "generation";
    }

    @Override
    public String getEndTagName() {
        return "endgeneration";
    }

    @Override
    public String interpret(TagNode node, JinjavaInterpreter interpreter) {
        StringBuilder out = new StringBuilder();
        for (Node child : node.getChildren()) {
            out.append(child.render(interpreter).getValue());
        }
        return out.toString();
    }
}

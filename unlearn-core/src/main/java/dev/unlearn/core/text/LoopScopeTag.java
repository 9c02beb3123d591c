package dev.unlearn.core.text;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.util.ForLoop;

/**
 * The body of a loop, one scope per item ({@link PyEscapes} wraps every loop body in it): jinja2 starts
 * each iteration from the loop's enclosing scope, so a {@code {% set first = false %}} in the body is
 * gone at the next item, where Jinjava's loop keeps one scope for all items (vLLM's Gemma 3 pythonic
 * tool template printed commas that jinja2 leaves out). As Jinjava's loop does between its children,
 * the rest of the body is skipped after a {@code continue} or {@code break}.
 */
final class LoopScopeTag implements Tag {
    private static final long serialVersionUID = 1L;

    static final String NAME = "py_loop_scope";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getEndTagName() {
        return "end" + NAME;
    }

    @Override
    public String interpret(TagNode node, JinjavaInterpreter interpreter) {
        Object loop = interpreter.getContext().get("loop");
        StringBuilder out = new StringBuilder();
        try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
            for (Node child : node.getChildren()) {
                out.append(child.render(interpreter).getValue());
                if (loop instanceof ForLoop f && f.isContinued()) {
                    break;
                }
            }
        }
        return out.toString();
    }
}

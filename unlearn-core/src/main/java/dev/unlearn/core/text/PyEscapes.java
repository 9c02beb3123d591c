package dev.unlearn.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites the code inside a Jinja template's {@code {{ }}} and {@code {% %}} tags where Jinjava's lexer
 * reads it differently from jinja2's; text outside tags, comments and {@code raw} blocks is left alone.
 *
 * <ul>
 *   <li><b>Escapes.</b> jinja2 decodes {@code '\n'}, {@code '\t'}, {@code '\x41'}, {@code '\u00e9'}, ... in
 *       string literals (Python {@code unicode-escape}); Jinjava's EL keeps everything but {@code \\},
 *       {@code \'} and {@code \"} verbatim. Each literal is decoded to the characters jinja2 would produce
 *       and re-quoted for Jinjava (raw characters are valid inside its literals).
 *   <li><b>Plus before a number.</b> Jinjava (2.7) lexes {@code +1} as a signed literal even after an
 *       operand, so {@code loop.index0+1} or {@code messages[i+1]} is a syntax error there, while
 *       jinja2 reads an addition. A {@code +} that follows an operand (a name, a number, a literal,
 *       {@code )} or {@code ]}) and precedes a digit gets a space after it; a {@code +} after an
 *       operator or keyword (a unary plus) and the exponent of {@code 1e+5} stay as written.
 *   <li><b>Slices with a step.</b> Jinjava parses {@code x[a:b]} but not {@code x[a:b:c]}, which templates
 *       use to walk the conversation backwards ({@code messages[::-1]}, as Qwen3's does). Such a slice
 *       becomes {@code py_slice(x, a, b, c)}, a function {@link ChatTemplate} registers with Python's
 *       semantics ({@link #slice}).
 *   <li><b>Keyword arguments.</b> Jinjava binds {@code key=value} tighter than any operator, so
 *       {@code namespace(last=messages|length - 1)} (Qwen3) subtracts from the named parameter and
 *       fails; the value of a keyword argument gets brackets, {@code key=(value)}. A macro's
 *       signature is left alone.
 *   <li><b>Loops.</b> Each loop first sets its items to a list, {@code py_iter(d)}: a dict's keys and a
 *       string's characters, where Jinjava visits a dict's values and takes a string whole. With that
 *       list, {@code loop.previtem} and {@code loop.nextitem}, which Jinjava's loop lacks, become
 *       {@code py_prev(list, loop.index0)} and {@code py_next(list, loop.index0)}, and a loop's
 *       {@code else} (which Jinjava rendered after every item) becomes an {@code if} on the list's
 *       length after the loop ({@link #forElse}). Each item's body runs in a scope of its own
 *       ({@link LoopScopeTag}), as in jinja2, where a {@code set} in the body does not carry over to the
 *       next item.
 *   <li><b>Adjacent string literals</b> ({@code 'a ' "b"}, Python's implicit concatenation, with which
 *       long prompts are split over lines) become one literal; Jinjava cannot parse them.
 *       {@code {% for m in messages if m.role != 'system' %}} becomes a loop that
 *       collects the passing items and a loop over them ({@link #loopFilter}); Jinjava would loop over
 *       nothing.
 * </ul>
 */
final class PyEscapes {
    private PyEscapes() {}

    static String forJinjava(String src) {
        return forJinjava(src, new java.util.HashSet<>());
    }

    /** As {@link #forJinjava(String)}, adding the name of every filter the tags apply to {@code filters}. */
    static String forJinjava(String src, Set<String> filters) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        // loop.previtem / loop.nextitem: each loop keeps its items in a list (its name, or "" when it does not)
        boolean neighbours = src.contains("previtem") || src.contains("nextitem");
        java.util.Deque<String> loops = new java.util.ArrayDeque<>();
        java.util.Deque<Block> blocks = new java.util.ArrayDeque<>(); // the open if and for blocks, innermost first
        while (i < n) {
            if (src.startsWith("{#", i) || src.startsWith("{%", i)) {
                lstripBlock(src, i, out);
            }
            if (src.startsWith("{#", i)) {
                int e = src.indexOf("#}", i + 2);
                e = e < 0 ? n : e + 2;
                out.append(src, i, e);
                i = e;
            } else if (src.startsWith("{{", i) || src.startsWith("{%", i)) {
                String close = src.startsWith("{{", i) ? "}}" : "%}";
                if (close.equals("%}") && tagIs(src, i, "raw")) {
                    int end = src.indexOf("endraw", i);
                    int e = end < 0 ? n : src.indexOf("%}", end);
                    e = e < 0 ? n : e + 2;
                    out.append(src, i, e);
                    i = e;
                    continue;
                }
                boolean forTag = close.equals("%}") && tagIs(src, i, "for");
                if (close.equals("%}") && tagIs(src, i, "endfor") && !loops.isEmpty()) {
                    loops.pop();
                }
                int forElse = close.equals("%}") ? forElse(src, i, out, blocks) : -1;
                if (forElse >= 0) {
                    i = forElse;
                    continue;
                }
                if (close.equals("%}") && tagIs(src, i, "if")) {
                    blocks.push(new Block(false, null));
                }
                int from = out.length();
                int filtered = forTag ? loopFilter(src, i, out, filters, neighbours ? loops : null, blocks)
                        : close.equals("}}") ? printed(src, i, out, filters)
                        : tagIs(src, i, "if") || tagIs(src, i, "elif") ? condition(src, i, out, filters) : -1;
                if (forTag && filtered < 0 && neighbours) {
                    loops.push("");
                }
                if (forTag && filtered < 0) {
                    blocks.push(new Block(true, null)); // as written: no list, no scope of its own
                }
                if (filtered < 0) {
                    out.append(src, i, i + 2);
                    // a macro's signature is not an expression: Jinjava reads its defaults its own way
                    filtered = code(src, i + 2, close, out, !(close.equals("%}") && tagIs(src, i, "macro")), filters);
                    if (filtered < n) {
                        out.append(close);
                        filtered += 2;
                    }
                }
                if (!forTag && !loops.isEmpty() && !loops.peek().isEmpty()) {
                    neighbourItems(out, from, loops.peek());
                }
                i = filtered;
            } else {
                out.append(src.charAt(i++));
            }
        }
        return out.toString();
    }

    /**
     * jinja2's {@code lstrip_blocks} at a block or comment tag ({@code src[i] == '{'}): the spaces and tabs
     * between the start of its line and the tag are dropped from {@code out}, unless the tag opens with
     * {@code +} (kept) or {@code -} (which strips more, and Jinjava does that). Jinjava's own option also
     * strips them in the middle of a line ({@code a {% if x %}} lost its space), so it is off.
     */
    private static void lstripBlock(String src, int i, StringBuilder out) {
        if (i + 2 < src.length() && "-+".indexOf(src.charAt(i + 2)) >= 0) {
            return;
        }
        int k = i;
        while (k > 0 && src.charAt(k - 1) != '\n' && Character.isWhitespace(src.charAt(k - 1))) {
            k--;
        }
        if (k < i && (k == 0 || src.charAt(k - 1) == '\n')) { // data, copied as it stands: drop it again
            out.setLength(out.length() - (i - k));
        }
    }

    /**
     * At a {@code for} tag ({@code src[i] == '{'}), {@code for x in items}: writes it as
     * {@code for x in py_iter(items)} ({@link #iterate}), so that a loop over a dict visits its keys and
     * a loop over a string its characters, as in jinja2 (Jinjava visits a dict's values and takes a
     * string as one item). With a loop filter, {@code for x in items if cond}, writes a loop that collects
     * the items passing {@code cond} and a loop over those, so that {@code loop.index}, {@code loop.last}
     * and {@code loop.length} count the filtered items as in jinja2 (Jinjava reads the filter as a
     * conditional expression and loops over nothing). Returns the index after the tag, or -1 when it is
     * left as written (no {@code in}, or a {@code recursive} loop).
     */
    private static int loopFilter(String src, int i, StringBuilder out, Set<String> filters, java.util.Deque<String> loops,
            java.util.Deque<Block> blocks) {
        Bounds t = bounds(src, i, "%}");
        if (t == null) {
            return -1;
        }
        int cs = t.code();
        int ce = t.codeEnd();
        int te = t.close();
        String body = src.substring(cs, ce);
        int in = topLevelWord(body, "in", 0);
        int cond = in < 0 ? -1 : topLevelWord(body, "if", in + 2);
        if (in < 0 || topLevelWord(body, "recursive", in + 2) >= 0) {
            return -1;
        }
        if (cond < 0) { // the items in a list of their own: for loop.previtem and loop.nextitem, and a loop's else
            String list = "__unlearn_items" + out.length();
            out.append(src, i, cs).append(" set ").append(list).append(" = py_iter(");
            code(body.substring(in + 2).trim(), 0, null, out, true, filters);
            out.append(") %}{% ").append(body, body.indexOf("for"), in + 2).append(' ').append(list).append(' ')
                    .append(openBody(src.substring(ce, te + 2)));
            if (loops != null) {
                loops.push(list);
            }
            blocks.push(new Block(true, list));
            return te + 2;
        }
        String target = body.substring(body.indexOf("for") + 3, in).trim();
        String names = target.startsWith("(") && target.endsWith(")") ? target.substring(1, target.length() - 1).trim() : target;
        if (!names.matches("[A-Za-z_][A-Za-z0-9_]*(\\s*,\\s*[A-Za-z_][A-Za-z0-9_]*)*")) {
            throw new dev.unlearn.core.InvalidInputException("the loop filter of '" + body.trim() + "' assigns to '" + target
                    + "', which this renderer cannot filter; test the condition inside the loop instead");
        }
        // one name collects the item; several (for k, v in ...) collect [k, v], which the second loop unpacks
        String item = names.contains(",") ? "[" + names + "]" : names;
        String list = "__unlearn_filtered" + out.length();
        out.append(src, i, cs).append(" set ").append(list).append(" = [] %}{% for ").append(names).append(" in py_iter(");
        code(body.substring(in + 2, cond).trim(), 0, null, out, true, filters);
        out.append(") %}{% if py_bool(");
        code(body.substring(cond + 2).trim(), 0, null, out, true, filters);
        out.append(") %}{% do ").append(list).append(".append(").append(item).append(") %}{% endif %}{% endfor %}")
                .append("{% for ").append(names).append(" in ").append(list).append(' ').append(openBody(src.substring(ce, te + 2)));
        if (loops != null) {
            loops.push(list);
        }
        blocks.push(new Block(true, list));
        return te + 2;
    }

    /**
     * An open {@code if} or {@code for} block of the template. A loop rewritten by {@link #loopFilter} keeps its
     * items' list (and has a {@link LoopScopeTag} body); a loop left as written has none.
     */
    private static final class Block {
        final boolean loop;
        final String list;
        boolean elseSeen;

        Block(boolean loop, String list) {
            this.loop = loop;
            this.list = list;
        }
    }

    /**
     * The close of a {@code for} tag ({@code %}} or {@code -%}}) followed by the opening of its body's
     * {@link LoopScopeTag}, which takes the close's whitespace control (the body starts after it).
     */
    private static String openBody(String close) {
        return "%}{% " + LoopScopeTag.NAME + " " + close.stripLeading();
    }

    /**
     * A loop's {@code else} and the {@code endfor} after it ({@code src[i] == '{'}, a block tag), which Jinjava
     * renders after every item and never for an empty loop: {@code {% for x in xs %}A{% else %}B{% endfor %}}
     * is written {@code {% set L = py_iter(xs) %}{% for x in L %}A{% endfor %}{% if L|length == 0 %}B{% endif %}},
     * jinja2's meaning (B only when the loop, filter applied, visits nothing). Keeps the tags' whitespace
     * control. Also pops {@code blocks} at {@code endif} and {@code endfor}. Returns the index after a tag it
     * wrote, else -1.
     */
    private static int forElse(String src, int i, StringBuilder out, java.util.Deque<Block> blocks) {
        boolean isElse = tagIs(src, i, "else");
        boolean isEndfor = tagIs(src, i, "endfor");
        if (tagIs(src, i, "endif") && !blocks.isEmpty() && !blocks.peek().loop) {
            blocks.pop();
            return -1;
        }
        if ((!isElse && !isEndfor) || blocks.isEmpty() || !blocks.peek().loop) {
            return -1;
        }
        Block loop = isEndfor ? blocks.pop() : blocks.peek();
        if (isEndfor && loop.list == null) { // a loop left as written has no scope to close (and no else)
            return -1;
        }
        Bounds t = bounds(src, i, "%}");
        if (t == null) {
            return -1;
        }
        if (isElse && loop.list == null) {
            throw new dev.unlearn.core.InvalidInputException("the else of a recursive loop is not supported; test the"
                    + " items before the loop instead");
        }
        String open = src.substring(i, t.code());
        String shut = src.substring(t.codeEnd(), t.close() + 2);
        if (isElse) {
            loop.elseSeen = true;
            out.append(open).append(" end").append(LoopScopeTag.NAME).append(" %}{% endfor %}{% if ").append(loop.list)
                    .append("|length == 0 ").append(shut.stripLeading());
        } else if (loop.elseSeen) {
            out.append(open).append(" endif ").append(shut.stripLeading());
        } else {
            out.append(open).append(" end").append(LoopScopeTag.NAME).append(" %}{% endfor ").append(shut.stripLeading());
        }
        return t.close() + 2;
    }

    /**
     * In the code written to {@code out} from {@code from} on, inside a loop over the list {@code list}:
     * {@code loop.previtem} becomes {@code py_prev(list, loop.index0)} and {@code loop.nextitem}
     * {@code py_next(list, loop.index0)} ({@link #previous}, {@link #next}), which Jinjava's loop lacks.
     */
    private static void neighbourItems(StringBuilder out, int from, String list) {
        String code = out.substring(from);
        String rewritten = code.replaceAll("\\bloop\\.previtem\\b", "py_prev(" + list + ", loop.index0)")
                .replaceAll("\\bloop\\.nextitem\\b", "py_next(" + list + ", loop.index0)");
        if (!rewritten.equals(code)) {
            out.setLength(from);
            out.append(rewritten);
        }
    }

    /** jinja2's {@code loop.previtem}: the item before index {@code i}, undefined (null) at the first. */
    public static Object previous(Object items, Object i) {
        int k = ((Number) i).intValue();
        return items instanceof List<?> l && k > 0 && k <= l.size() ? l.get(k - 1) : null;
    }

    /** jinja2's {@code loop.nextitem}: the item after index {@code i}, undefined (null) at the last. */
    public static Object next(Object items, Object i) {
        int k = ((Number) i).intValue();
        return items instanceof List<?> l && k + 1 < l.size() ? l.get(k + 1) : null;
    }

    /**
     * At an expression tag {@code {{ x }}} ({@code src[i] == '{'}): writes it as {@code {{ py_str(x) }}},
     * so that it prints Python's {@code str(x)} as jinja2 does ({@link PyRepr}; Jinjava prints
     * {@code true} and {@code {role=user}}). A call, not {@code (x)|string}: Jinjava reads a bracketed
     * expression holding a dict literal of two entries as a one-item list. Returns the index after the
     * tag, or -1 when it has no end.
     */
    private static int printed(String src, int i, StringBuilder out, Set<String> filters) {
        Bounds t = bounds(src, i, "}}");
        if (t == null) {
            return -1;
        }
        out.append(src, i, t.code()).append(" py_str(");
        code(src.substring(t.code(), t.codeEnd()), 0, null, out, true, filters);
        out.append(") ").append(src, t.codeEnd(), t.close() + 2);
        return t.close() + 2;
    }

    /**
     * At an {@code if} or {@code elif} tag ({@code src[i] == '{'}): writes its condition as
     * {@code py_bool(cond)}, so that it is tested with Python's truth ({@link PyOperators#truthy}; Jinjava
     * takes the string {@code "false"} as false). Returns the index after the tag, or -1 when it has no end.
     */
    private static int condition(String src, int i, StringBuilder out, Set<String> filters) {
        Bounds t = bounds(src, i, "%}");
        if (t == null) {
            return -1;
        }
        String body = src.substring(t.code(), t.codeEnd());
        int kw = body.indexOf(tagIs(src, i, "if") ? "if" : "elif");
        int condStart = kw + (tagIs(src, i, "if") ? 2 : 4);
        out.append(src, i, t.code()).append(body, 0, condStart).append(" py_bool(");
        code(body.substring(condStart).trim(), 0, null, out, true, filters);
        out.append(") ").append(src, t.codeEnd(), t.close() + 2);
        return t.close() + 2;
    }

    /**
     * Where a tag's parts lie: its code from {@code code} to {@code codeEnd}, without the whitespace-control
     * marks ({@code -}, {@code +}) after the opening and before the close, and the index of its
     * {@code close}.
     */
    private record Bounds(int code, int codeEnd, int close) {}

    /** The {@link Bounds} of the tag opening at {@code src[i]} and ending at {@code close}; null when it has no end. */
    private static Bounds bounds(String src, int i, String close) {
        // the close at bracket depth 0: {{ {'a': {'b': 1}} }} ends at its last "}}", as in jinja2
        int te = walk(src, i + 2, null, (j, depth) -> depth <= 0 && src.startsWith(close, j));
        if (te < 0) {
            return null;
        }
        int cs = "-+".indexOf(src.charAt(i + 2)) >= 0 ? i + 3 : i + 2;
        return new Bounds(cs, "-+".indexOf(src.charAt(te - 1)) >= 0 && te - 1 >= cs ? te - 1 : te, te);
    }

    /** Where the word {@code w} stands in {@code code} from {@code from} on, outside literals and brackets; -1 if nowhere. */
    private static int topLevelWord(String code, String w, int from) {
        return walk(code, from, null, (j, depth) -> depth == 0 && wordAt(code, j, w));
    }

    /** Decides, at index {@code j} of tag code outside literals, whether a {@link #walk} stops there. */
    private interface Stop {
        boolean at(int j, int depth);
    }

    /**
     * Walks tag code from {@code from} to {@code close} (to the end when null), skipping string literals
     * and tracking bracket depth ({@code depth} counts the brackets open before index {@code j}); returns
     * the first index where {@code stop} holds, else -1.
     */
    private static int walk(String code, int from, String close, Stop stop) {
        int depth = 0;
        for (int j = from; j < code.length() && (close == null || !code.startsWith(close, j)); j++) {
            char c = code.charAt(j);
            if (c == '\'' || c == '"') {
                j = literalEnd(code, j);
            } else if (stop.at(j, depth)) {
                return j;
            } else if (c == '[' || c == '(' || c == '{') {
                depth++;
            } else if (c == ']' || c == ')' || c == '}') {
                depth--;
            }
        }
        return -1;
    }

    private static boolean isCloser(char c) {
        return c == ']' || c == ')' || c == '}';
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /**
     * Rewrites the tag code {@code src[i..]} up to {@code close} (to the end when null) into {@code out};
     * returns the index of {@code close}. With {@code kwargs}, a keyword argument's value is bracketed.
     */
    private static int code(String src, int i, String close, StringBuilder out, boolean kwargs, Set<String> filters) {
        int n = src.length();
        int start = out.length(); // where this code starts in out
        int sliced;
        while (i < n && (close == null || !src.startsWith(close, i))) {
            char c = src.charAt(i);
            if (c == '\'' || c == '"') {
                StringBuilder lit = new StringBuilder();
                char q = c;
                int j;
                while (true) { // adjacent literals are one string, as in Python: 'a ' "b" is 'a b'
                    j = i + 1;
                    while (j < n && src.charAt(j) != q) {
                        if (src.charAt(j) == '\\' && j + 1 < n) {
                            j = decodeEscape(src, j, lit);
                        } else {
                            lit.append(src.charAt(j++));
                        }
                    }
                    int k = j + 1;
                    while (k < n && Character.isWhitespace(src.charAt(k)) && (close == null || !src.startsWith(close, k))) {
                        k++;
                    }
                    if (k >= n || j >= n || (src.charAt(k) != '\'' && src.charAt(k) != '"')) {
                        break;
                    }
                    i = k;
                    q = src.charAt(k);
                }
                out.append(c).append(requote(lit.toString(), c)).append(c);
                i = Math.min(n, j + 1);
            } else if (c == '+' && beforeNumber(src, i + 1) && afterOperand(out, start)) {
                out.append("+ ");
                i++;
            } else if (kwargs && noneLiteral(src, i, out, start)) {
                out.append("py_none()");
                i += 4;
            } else if (unaryNot(src, i, out, start)) {
                int end = notEnd(src, i + 3, close);
                out.append("not (");
                code(src.substring(i + 3, end), 0, null, out, kwargs, filters);
                out.append(')');
                i = end;
            } else if (c == '[' && (sliced = stepSlice(src, i, close, out, start, filters)) >= 0) {
                i = sliced;
            } else if (kwargs && c == '=' && keyword(src, i, out, start)) {
                int end = argumentEnd(src, i + 1, close);
                out.append("=(");
                code(src.substring(i + 1, end), 0, null, out, true, filters);
                out.append(')');
                i = end;
            } else {
                if (c == '|') { // a filter: note its name
                    int j = i + 1;
                    while (j < n && Character.isWhitespace(src.charAt(j))) {
                        j++;
                    }
                    int e = j;
                    while (e < n && isWordChar(src.charAt(e))) {
                        e++;
                    }
                    if (e > j) {
                        filters.add(src.substring(j, e));
                    }
                }
                if (c == '}' && out.length() > start && out.charAt(out.length() - 1) == '}') {
                    out.append(' '); // nested dicts' "}}" would end Jinjava's {{ }} tag; "} }" is the same code
                }
                out.append(c);
                i++;
            }
        }
        return i;
    }

    /**
     * At {@code src[i] == '['}: when the subscript is a slice with a step ({@code [::-1]}, {@code [a:b:c]})
     * and follows a primary expression, replaces that primary in {@code out} with
     * {@code py_slice(primary, a, b, c)} ({@link #slice}) and returns the index after the {@code ]};
     * else -1.
     */
    private static int stepSlice(String src, int i, String close, StringBuilder out, int start, Set<String> filters) {
        int end = matching(src, i, close);
        if (end < 0) {
            return -1;
        }
        List<String> parts = new ArrayList<>();
        int[] from = {i + 1};
        walk(src.substring(0, end), i + 1, null, (j, depth) -> {
            if (depth == 0 && src.charAt(j) == ':') {
                parts.add(src.substring(from[0], j));
                from[0] = j + 1;
            }
            return false;
        });
        parts.add(src.substring(from[0], end));
        int p = primaryStart(out, start);
        if (parts.size() != 3 || p < 0) {
            return -1;
        }
        String primary = out.substring(p);
        out.setLength(p);
        out.append("py_slice(").append(primary);
        for (String part : parts) {
            out.append(", ");
            if (part.isBlank()) {
                out.append("none");
            } else {
                code(part, 0, null, out, true, filters);
            }
        }
        out.append(')');
        return end + 1;
    }

    /**
     * Whether the {@code =} at {@code src[i]} binds a keyword argument ({@code f(a, key=value)}): not part
     * of {@code ==}, {@code !=}, {@code <=} or {@code >=}, after a name that follows {@code (} or {@code ,}.
     * Jinjava binds such a value tighter than any operator ({@code n=xs|length - 1} is {@code (n=xs|length) - 1}),
     * so the value gets brackets.
     */
    private static boolean keyword(String src, int i, StringBuilder out, int start) {
        if (i + 1 < src.length() && src.charAt(i + 1) == '=' || i > 0 && "=!<>".indexOf(src.charAt(i - 1)) >= 0) {
            return false;
        }
        int k = out.length();
        while (k > start && Character.isWhitespace(out.charAt(k - 1))) {
            k--;
        }
        int name = k;
        while (k > start && isWordChar(out.charAt(k - 1))) {
            k--;
        }
        if (k == name) {
            return false;
        }
        while (k > start && Character.isWhitespace(out.charAt(k - 1))) {
            k--;
        }
        if (k == start || out.charAt(k - 1) != '(' && out.charAt(k - 1) != ',') {
            return false;
        }
        String o = out.toString(); // inside a call's brackets, not a tuple assignment ({% set a, b = 1, 2 %})
        int[] depth = {0};
        walk(o, start, null, (j, d) -> {
            depth[0] = d + (isCloser(o.charAt(j)) ? -1 : "([{".indexOf(o.charAt(j)) >= 0 ? 1 : 0);
            return false;
        });
        return depth[0] > 0;
    }

    /** The index of the {@code ,} or closing bracket that ends the argument starting at {@code src[i]}. */
    private static int argumentEnd(String src, int i, String close) {
        int end = walk(src, i, close, (j, depth) -> depth == 0 && (src.charAt(j) == ',' || isCloser(src.charAt(j))));
        if (end >= 0) {
            return end;
        }
        int c = close == null ? -1 : src.indexOf(close, i);
        return c < 0 ? src.length() : c;
    }

    /** The index of the bracket closing {@code src[i]}, before {@code close}; -1 when there is none. */
    private static int matching(String src, int i, String close) {
        return walk(src, i, close, (j, depth) -> depth == 1 && isCloser(src.charAt(j)));
    }

    /** The index of the quote closing the literal that opens at {@code src[j]} (or the last index). */
    private static int literalEnd(String src, int j) {
        char q = src.charAt(j);
        int k = j + 1;
        while (k < src.length() && src.charAt(k) != q) {
            k += src.charAt(k) == '\\' ? 2 : 1;
        }
        return Math.min(k, src.length() - 1);
    }

    /**
     * Where the primary expression that {@code out} ends with starts (a name with attributes, calls
     * and subscripts, a literal, a bracketed expression); -1 when {@code out} ends with none.
     */
    private static int primaryStart(StringBuilder out, int start) {
        int end = out.length();
        while (end > start && Character.isWhitespace(out.charAt(end - 1))) {
            end--; // jinja2 allows "messages [::-1]"
        }
        int k = end;
        while (k > start) {
            char c = out.charAt(k - 1);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
                k--;
            } else if (c == ')' || c == ']' || c == '}') {
                int depth = 0;
                int j = k - 1;
                for (; j >= start; j--) {
                    char d = out.charAt(j);
                    if (d == '\'' || d == '"') {
                        j = literalStart(out, j, start);
                    } else if (d == ')' || d == ']' || d == '}') {
                        depth++;
                    } else if ((d == '(' || d == '[' || d == '{') && --depth == 0) {
                        break;
                    }
                }
                if (j < start) {
                    return -1;
                }
                k = j;
            } else if (c == '\'' || c == '"') {
                k = literalStart(out, k - 1, start);
                if (k < start) {
                    return -1;
                }
            } else {
                break;
            }
        }
        return k == end || KEYWORDS.contains(out.substring(k, end)) ? -1 : k;
    }

    /** The index of the quote opening the literal whose closing quote is {@code out[j]}. */
    private static int literalStart(StringBuilder out, int j, int start) {
        char q = out.charAt(j);
        for (int k = j - 1; k >= start; k--) {
            if (out.charAt(k) == q) {
                int slashes = 0;
                while (k - 1 - slashes >= start && out.charAt(k - 1 - slashes) == '\\') {
                    slashes++;
                }
                if (slashes % 2 == 0) {
                    return k;
                }
            }
        }
        return start - 1;
    }

    /**
     * What a jinja2 loop visits in {@code x} (the function {@code py_iter} of {@link #loopFilter}): a dict's
     * keys, in order, a string's characters (code points), anything else as it is.
     */
    public static Object iterate(Object x) {
        if (x == PyNone.NONE) { // an undefined value (null) loops over nothing, as in jinja2
            throw new IllegalArgumentException("'NoneType' object is not iterable");
        }
        if (x instanceof java.util.Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (x instanceof CharSequence || x instanceof com.hubspot.jinjava.objects.SafeString) {
            List<String> chars = new ArrayList<>();
            x.toString().codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
            return chars;
        }
        return x;
    }

    /**
     * Python's {@code seq[start:stop:step]} for a list or a string (the function {@code py_slice} the
     * rewrite calls; null bounds are omitted ones).
     */
    public static Object slice(Object seq, Object start, Object stop, Object step) {
        long st = index(step, "step", 1);
        if (st == 0) {
            throw new IllegalArgumentException("slice step cannot be zero");
        }
        List<?> items;
        if (seq instanceof CharSequence cs) {
            items = cs.codePoints().mapToObj(Character::toString).toList();
        } else if (seq instanceof List<?> l) {
            items = l;
        } else if (seq instanceof Iterable<?> it) {
            List<Object> l = new ArrayList<>();
            it.forEach(l::add);
            items = l;
        } else {
            throw new IllegalArgumentException("cannot slice " + (seq == null ? "none" : seq.getClass().getSimpleName()));
        }
        long n = items.size();
        long lo = st > 0 ? 0 : -1;
        long hi = st > 0 ? n : n - 1;
        long a = bound(start, st > 0 ? 0 : n - 1, n, lo, hi, "start");
        long b = bound(stop, st > 0 ? n : -1, n, lo, hi, "stop");
        List<Object> out = new ArrayList<>();
        for (long k = a; st > 0 ? k < b : k > b; k += st) {
            out.add(items.get((int) k));
        }
        if (seq instanceof CharSequence) {
            StringBuilder sb = new StringBuilder();
            out.forEach(sb::append);
            return sb.toString();
        }
        return out;
    }

    /** A slice bound as Python adjusts it: omitted, counted from the end when negative, clamped. */
    private static long bound(Object v, long omitted, long n, long lo, long hi, String what) {
        if (v == null || v == PyNone.NONE) {
            return omitted;
        }
        long x = index(v, what, 0);
        if (x < 0) {
            x += n;
        }
        return Math.max(lo, Math.min(hi, x));
    }

    private static long index(Object v, String what, long omitted) {
        if (v == null || v == PyNone.NONE) {
            return omitted;
        }
        if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
            return num.longValue();
        }
        throw new IllegalArgumentException("slice " + what + " must be an integer or none, found " + v);
    }

    /** Whether a number literal starts at {@code src[j]} ({@code 1}, {@code .5}). */
    private static boolean beforeNumber(String src, int j) {
        return j < src.length() && (Character.isDigit(src.charAt(j))
                || src.charAt(j) == '.' && j + 1 < src.length() && Character.isDigit(src.charAt(j + 1)));
    }

    /**
     * Whether {@code src[i..]} is the literal {@code none} (or {@code None}), which becomes
     * {@code py_none()} ({@link PyNone}): not a test name ({@code x is none}, {@code x is not none}) and not
     * an attribute ({@code a.none}). Jinjava's literal is its null, which is not {@code defined}.
     */
    private static boolean noneLiteral(String src, int i, StringBuilder out, int code) {
        if (!(src.startsWith("none", i) || src.startsWith("None", i)) || i > 0 && (isWordChar(src.charAt(i - 1))
                || src.charAt(i - 1) == '.') || i + 4 < src.length() && isWordChar(src.charAt(i + 4))) {
            return false;
        }
        return !IS_BEFORE.matcher(out.substring(code)).find();
    }

    /** Code ending in the word {@code is} or {@code is not}, where {@code none} names a test. */
    private static final java.util.regex.Pattern IS_BEFORE = java.util.regex.Pattern.compile("(^|\\W)is(\\s+not)?\\s*$");

    /**
     * Whether {@code src[i..]} is a unary {@code not}: the word {@code not}, not after an operand
     * ({@code a not in b}) and not after {@code is} ({@code x is not none}).
     */
    private static boolean unaryNot(String src, int i, StringBuilder out, int code) {
        if (!src.startsWith("not", i) || i > 0 && (isWordChar(src.charAt(i - 1)) || src.charAt(i - 1) == '.')
                || i + 3 < src.length() && isWordChar(src.charAt(i + 3)) || afterOperand(out, code)) {
            return false;
        }
        int k = out.length();
        while (k > code && Character.isWhitespace(out.charAt(k - 1))) {
            k--;
        }
        return !(k - 2 >= code && out.substring(k - 2, k).equals("is") && (k - 2 == code || !isWordChar(out.charAt(k - 3))));
    }

    /**
     * Where the operand of a unary {@code not} starting at {@code from} ends: jinja2 binds {@code not}
     * looser than a comparison ({@code not a == b} is {@code not (a == b)}; Jinjava reads
     * {@code (not a) == b}), so it reaches the next {@code and}, {@code or}, {@code if}, {@code else} or
     * {@code ,} outside brackets, a bracket that closes an outer one, or the end of the tag.
     */
    private static int notEnd(String src, int from, String close) {
        int e = walk(src, from, null, (j, depth) -> close != null && (src.startsWith(close, j)
                        || "-+".indexOf(src.charAt(j)) >= 0 && src.startsWith(close, j + 1))
                || depth == 0 && (src.charAt(j) == ',' || isCloser(src.charAt(j))
                        || wordAt(src, j, "and") || wordAt(src, j, "or") || wordAt(src, j, "if") || wordAt(src, j, "else")));
        return e < 0 ? src.length() : e;
    }

    private static boolean wordAt(String s, int j, String w) {
        return s.startsWith(w, j) && (j == 0 || !isWordChar(s.charAt(j - 1)))
                && (j + w.length() == s.length() || !isWordChar(s.charAt(j + w.length())));
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("and", "or", "not", "in", "is", "if",
            "elif", "else", "for", "set", "return", "do");

    /**
     * Whether the code written so far ({@code out} from {@code code} on) ends in an operand, so that a
     * {@code +} here is binary: a name that is not a keyword, a number that does not end in an exponent
     * marker ({@code 1e}), a string literal, {@code )} or {@code ]}.
     */
    private static boolean afterOperand(StringBuilder out, int code) {
        int k = out.length() - 1;
        while (k >= code && Character.isWhitespace(out.charAt(k))) {
            k--;
        }
        if (k < code) {
            return false;
        }
        char p = out.charAt(k);
        if (p == ')' || p == ']' || p == '\'' || p == '"') {
            return true;
        }
        if (!Character.isLetterOrDigit(p) && p != '_') {
            return false;
        }
        int w = k;
        while (w > code && (Character.isLetterOrDigit(out.charAt(w - 1)) || out.charAt(w - 1) == '_' || out.charAt(w - 1) == '.')) {
            w--;
        }
        String word = out.substring(w, k + 1);
        return !KEYWORDS.contains(word) && !word.matches("(\\d+\\.?\\d*|\\.\\d+)[eE]");
    }

    /** Whether the tag opening at {@code src[i]} is a {@code keyword} tag ({@code {%- raw %}}). */
    private static boolean tagIs(String src, int i, String keyword) {
        int j = i + 2;
        while (j < src.length() && (src.charAt(j) == '-' || src.charAt(j) == '+' || Character.isWhitespace(src.charAt(j)))) {
            j++;
        }
        int e = j + keyword.length();
        return src.startsWith(keyword, j) && (e >= src.length() || !Character.isLetterOrDigit(src.charAt(e)));
    }

    /** Decodes the escape at {@code src[j] == '\\'} into {@code lit}; returns the index after it. */
    private static int decodeEscape(String src, int j, StringBuilder lit) {
        char e = src.charAt(j + 1);
        switch (e) {
            case 'n': lit.append('\n'); return j + 2;
            case 't': lit.append('\t'); return j + 2;
            case 'r': lit.append('\r'); return j + 2;
            case '\\': lit.append('\\'); return j + 2;
            case '\'': lit.append('\''); return j + 2;
            case '"': lit.append('"'); return j + 2;
            case 'a': lit.append('\u0007'); return j + 2;
            case 'b': lit.append('\b'); return j + 2;
            case 'f': lit.append('\f'); return j + 2;
            case 'v': lit.append('\u000b'); return j + 2;
            case '\n': return j + 2;
            case 'x': return hex(src, j, 2, lit);
            case 'u': return hex(src, j, 4, lit);
            case 'U': return hex(src, j, 8, lit);
            default:
                if (e >= '0' && e <= '7') {
                    int k = j + 1;
                    int v = 0;
                    while (k < src.length() && k < j + 4 && src.charAt(k) >= '0' && src.charAt(k) <= '7') {
                        v = v * 8 + (src.charAt(k++) - '0');
                    }
                    lit.appendCodePoint(v);
                    return k;
                }
                // unknown escapes stay as written, as in Python
                lit.append('\\').append(e);
                return j + 2;
        }
    }

    private static int hex(String src, int j, int digits, StringBuilder lit) {
        int s = j + 2;
        if (s + digits > src.length()) {
            lit.append(src, j, j + 2);
            return j + 2;
        }
        try {
            lit.appendCodePoint(Integer.parseInt(src.substring(s, s + digits), 16));
            return s + digits;
        } catch (NumberFormatException ex) {
            lit.append(src, j, j + 2);
            return j + 2;
        }
    }

    private static String requote(String s, char quote) {
        StringBuilder b = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '\\' || c == quote) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}

package dev.unlearn.core.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's own chat template (the Jinja text of {@code chat_template} in {@code tokenizer_config.json},
 * or of {@code chat_template.jinja}), rendered with Jinjava under the settings of transformers'
 * {@code apply_chat_template}: {@code trim_blocks} and {@code lstrip_blocks} on; variables
 * {@code messages}, {@code add_generation_prompt} and the tokenizer's special tokens
 * ({@code bos_token}, {@code eos_token}, {@code unk_token}, {@code pad_token},
 * {@code additional_special_tokens}); functions {@code raise_exception(msg)} (an error naming the
 * message) and {@code strftime_now(format)}; the filter {@code tojson} as transformers defines it
 * ({@code json.dumps} with {@code ensure_ascii=False}).
 *
 * <p>Where Jinjava differs from Python's jinja2 this class bridges it: line endings are read as jinja2's
 * lexer reads them (CRLF and CR become {@code \n}, and the template's last newline is dropped;
 * {@link #jinja2Lines}), string literals in tags get
 * Python's escape sequences ({@code '\n'} is a newline; Jinjava keeps the backslash), an addition
 * written without spaces ({@code loop.index0+1}) parses as one (Jinjava reads {@code +1} as a literal
 * and fails), extended slices ({@code messages[::-1]}) become calls of a {@code py_slice} function,
 * keyword arguments keep their whole expression ({@code namespace(i=messages|length - 1)}), loop
 * filters ({@code for m in messages if ...}) filter, every {@code {{ x }}} prints Python's {@code str(x)}
 * ({@code True}, {@code {'role': 'user'}}, {@code 1e-05}; {@link PyRepr}), and {@code lstrip_blocks}
 * strips only from the start of a line (Jinjava's also took the space in {@code a {% if x %}}); see
 * {@link PyEscapes}. Strings are indexed by
 * position ({@code role[0]}) and are iterable ({@code is iterable}), mappings have {@code get(key, default)} and {@code dict(...)} builds one, the filters Jinjava lacks exist
 * ({@code items}, {@code max}, {@code min}; {@link PyFilters}), {@code string} and {@code trim} are Python's,
 * and an unknown filter is an error as in
 * jinja2 (Jinjava renders it as an empty string), and strings get
 * the Python methods templates call ({@code strip}, {@code startswith}, {@code split}, ...; see
 * {@link PyStrings}). Known remaining differences, found by rendering expressions and 46 published
 * templates with both: an attribute of an undefined value is empty where jinja2 raises; {@code -} and
 * {@code /} fail on booleans, and {@code <} and {@code >} between a boolean and a number fail (between
 * other types they give false where Python raises); {@code x|length is even} needs brackets,
 * {@code (x|length) is even}.
 *
 * <p>Expressions follow Python's operators ({@link PyOperators}): {@code +} joins two strings or two lists
 * and adds numbers, and refuses anything else as Python's {@code TypeError} does (Jinjava printed
 * {@code 'x' + none} as {@code xnull}); {@code ~} joins {@code str()}s; a unary {@code not} covers the
 * comparison after it ({@code not a == b}); {@code ==} and {@code !=} compare as Python does, values of
 * different types being unequal (Jinjava coerced one to the other and failed); {@code *} repeats a
 * string or list; {@code %} takes the divisor's sign and formats a string; truth is Python's (Jinjava took
 * the string {@code "false"} as false), and {@code and} / {@code or} give an operand. Loops over a dict visit its keys and over a string its
 * characters ({@link PyEscapes}); {@code format} is Python's {@code %} ({@link PyFormat}); {@code list} and
 * {@code join} iterate and print as Python does. Messages may carry any JSON fields
 * ({@link #renderMessages}). Jinjava has one null for jinja2's undefined and {@code None}; a JSON null,
 * the literal {@code none}, {@code d.get(missing)}, and {@code tools} and {@code documents} (which
 * transformers always passes, None when absent) are {@link PyNone} instead, so that each prints,
 * tests and compares as in jinja2.
 */
public final class ChatTemplate {
    /** One chat message. */
    public record Message(String role, String content) {
        public Message {
            if (role == null || content == null) {
                throw new InvalidInputException("a chat message needs a role and a content");
            }
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("role", role);
            m.put("content", content);
            return m;
        }
    }

    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String TEMPLATE_FILE = "chat_template.jinja";

    /** The variables each render sets itself ({@link #renderMessages}), which extra variables may not replace. */
    public static final java.util.Set<String> RENDER_VARIABLES = java.util.Set.of("messages", "add_generation_prompt");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ThreadLocal<Clock> CLOCK = ThreadLocal.withInitial(Clock::systemDefaultZone);

    private final String source;
    private final String name;
    private final Map<String, Object> specialTokens;
    private final Jinjava jinjava;
    private final String prepared;
    private Clock clock = Clock.systemDefaultZone();

    /**
     * @param source the Jinja text
     * @param name where it came from (a file, "recipe"), for errors
     * @param specialTokens template variables for the special tokens (bos_token, eos_token, ...)
     */
    public ChatTemplate(String source, String name, Map<String, Object> specialTokens) {
        this.source = source;
        this.name = name;
        this.specialTokens = new LinkedHashMap<>(specialTokens);
        // whitespace control on {{- -}} and {#- -#} as jinja2 (Jinjava's default trims only around tags)
        LegacyOverrides legacy = LegacyOverrides.newBuilder().withUseTrimmingForNotesAndExpressions(true)
                .withParseWhitespaceControlStrictly(true).build();
        // lstrip_blocks is PyEscapes' (Jinjava's also strips in the middle of a line); no nested interpretation:
        // Jinjava would run a message's "{{ ... }}" or "{% ... %}" as template code, jinja2 prints it as text
        JinjavaConfig cfg = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(false).withNestedInterpretationEnabled(false)
                .withLegacyOverrides(legacy).withElResolver(PyStrings.resolver()).withMaxRenderDepth(20).build();
        this.jinjava = new PyOperators.Engine(cfg);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                ChatTemplate.class, "strftimeNow", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "py_str", PyRepr.class, "str", Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "py_slice",
                PyEscapes.class, "slice", Object.class, Object.class, Object.class, Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "py_iter", PyEscapes.class, "iterate", Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "py_bool", PyOperators.class, "bool", Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "py_none", PyNone.class, "none"));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "py_prev", PyEscapes.class, "previous",
                Object.class, Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "py_next", PyEscapes.class, "next",
                Object.class, Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "dict", PyFilters.class, "dict", Object[].class));
        jinjava.getGlobalContext().registerTag(new GenerationTag());
        jinjava.getGlobalContext().registerTag(new LoopScopeTag());
        jinjava.getGlobalContext().registerFilter(new PyJson.Filter());
        PyFilters.tests().forEach(jinjava.getGlobalContext()::registerExpTest);
        PyFilters.all().forEach(jinjava.getGlobalContext()::registerFilter);
        java.util.Set<String> filters = new java.util.TreeSet<>();
        try {
            this.prepared = PyEscapes.forJinjava(jinja2Lines(source), filters);
        } catch (InvalidInputException ex) {
            throw new InvalidInputException("chat template " + name + ": " + ex.getMessage(), ex);
        }
        for (String f : filters) { // Jinjava renders an unknown filter as an empty string; jinja2 refuses it
            if (jinjava.getGlobalContext().getFilter(f) == null) {
                throw new InvalidInputException("chat template " + name + ": no filter named '" + f + "'");
            }
        }
    }

    /**
     * The source as jinja2's lexer reads it: every line ending ({@code \r\n}, {@code \r}, {@code \n}) becomes
     * {@code \n}, in text and string literals alike, and one newline at the very end is dropped
     * ({@code keep_trailing_newline} is off in transformers' environment). Jinjava would keep both.
     */
    static String jinja2Lines(String source) {
        String[] lines = source.split("\r\n|\r|\n", -1);
        int n = lines.length > 0 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
        return String.join("\n", java.util.Arrays.asList(lines).subList(0, n));
    }

    /**
     * The chat template of a model or tokenizer directory: {@code chat_template.jinja} if present,
     * else {@code chat_template} in {@code tokenizer_config.json} (a string, or a list of named
     * templates of which {@code default} is taken); empty when there is none.
     */
    public static Optional<ChatTemplate> fromDirectory(Path dir) {
        Path cfgFile = dir.resolve(TOKENIZER_CONFIG);
        JsonNode cfg = null;
        if (Files.isRegularFile(cfgFile)) {
            try {
                cfg = JSON.readTree(cfgFile.toFile());
            } catch (IOException ex) {
                throw new InvalidInputException(cfgFile + ": cannot parse: " + ParseErrors.describe(ex), ex);
            }
        }
        Map<String, Object> specials = specialTokens(cfg);
        Path jinja = dir.resolve(TEMPLATE_FILE);
        if (Files.isRegularFile(jinja)) {
            try {
                return Optional.of(new ChatTemplate(Files.readString(jinja, StandardCharsets.UTF_8), jinja.toString(),
                        specials));
            } catch (IOException ex) {
                throw new InvalidInputException(jinja + ": cannot read: " + ex.getMessage(), ex);
            }
        }
        JsonNode t = cfg == null ? null : cfg.get("chat_template");
        if (t == null || t.isNull()) {
            return Optional.empty();
        }
        if (t.isTextual()) {
            return Optional.of(new ChatTemplate(t.textValue(), cfgFile + " chat_template", specials));
        }
        if (t.isArray()) {
            for (JsonNode e : t) {
                if ("default".equals(e.path("name").asText()) && e.path("template").isTextual()) {
                    return Optional.of(new ChatTemplate(e.get("template").textValue(),
                            cfgFile + " chat_template[default]", specials));
                }
            }
        }
        throw new InvalidInputException(cfgFile + ": key 'chat_template': expected a string or a list with a"
                + " 'default' entry, found " + t.getNodeType());
    }

    /** The special-token variables of a {@code tokenizer_config.json} (strings or AddedToken objects). */
    public static Map<String, Object> specialTokens(JsonNode cfg) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (cfg == null) {
            return m;
        }
        for (String k : List.of("bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token",
                "mask_token")) {
            String v = tokenText(cfg.get(k));
            if (v != null) {
                m.put(k, v);
            }
        }
        JsonNode extra = cfg.get("additional_special_tokens");
        if (extra != null && extra.isArray()) {
            List<String> l = new ArrayList<>();
            extra.forEach(x -> {
                String v = tokenText(x);
                if (v != null) {
                    l.add(v);
                }
            });
            m.put("additional_special_tokens", l);
        }
        return m;
    }

    private static String tokenText(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        return v.path("content").isTextual() ? v.get("content").textValue() : null;
    }

    /** The Jinja text as given. */
    public String source() {
        return source;
    }

    public String name() {
        return name;
    }

    /** The special-token variables passed to the template. */
    public Map<String, Object> specialTokens() {
        return new LinkedHashMap<>(specialTokens);
    }

    /** A copy whose {@code strftime_now} reads {@code c} (for reproducible dates in tests and runs). */
    public ChatTemplate withClock(Clock c) {
        ChatTemplate t = new ChatTemplate(source, name, specialTokens);
        t.clock = c;
        return t;
    }

    /** Renders {@code messages} as transformers' {@code apply_chat_template(tokenize=False)} does. */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /** As {@link #render(List, boolean)} with extra template variables (transformers' template kwargs). */
    public String render(List<Message> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        List<Map<String, Object>> ms = new ArrayList<>();
        for (Message m : messages) {
            ms.add(m.asMap());
        }
        return renderMessages(ms, addGenerationPrompt, extra);
    }

    /**
     * As {@link #render(List, boolean, Map)} with each message given whole, as a JSON object read into
     * maps, lists, strings, numbers, booleans and nulls: fields besides {@code role} and {@code content}
     * ({@code tool_calls}, {@code tool_call_id}, {@code name}, {@code reasoning_content}) reach the template
     * as they do in transformers, and so does a {@code content} that is null or a list of parts.
     */
    public String renderMessages(List<Map<String, Object>> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        Map<String, Object> ctx = new HashMap<>(specialTokens);
        ctx.put("messages", PyNone.fromJson(messages)); // a JSON null is None, not undefined
        // transformers passes both always, None when not given: they are defined
        ctx.put("tools", PyNone.NONE);
        ctx.put("documents", PyNone.NONE);
        ctx.put("add_generation_prompt", addGenerationPrompt);
        // jinja2 sees the globals as variables too ({% if strftime_now is defined %}); calls still resolve
        // to the registered functions
        ctx.put("strftime_now", "function strftime_now");
        ctx.put("raise_exception", "function raise_exception");
        extra.forEach((k, v) -> ctx.put(k, PyNone.fromJson(v)));
        Clock before = CLOCK.get();
        CLOCK.set(clock);
        RenderResult r;
        try {
            r = jinjava.renderForResult(prepared, ctx);
        } finally {
            CLOCK.set(before);
        }
        for (TemplateError e : r.getErrors()) {
            if (e.getSeverity() != TemplateError.ErrorType.FATAL) {
                continue;
            }
            String msg = e.getMessage();
            if (e.getException() != null && findRaised(e.getException()) != null) {
                msg = findRaised(e.getException());
                throw new InvalidInputException("chat template " + name + " raised an exception: " + msg);
            }
            for (Throwable x = e.getException(); x != null; x = x.getCause()) {
                if (x instanceof PyOperators.OperatorError oe) { // Python's TypeError, as the operator (or 'sep'.join) wrote it
                    throw new InvalidInputException("chat template " + name + ": line " + e.getLineno() + ": " + oe.text());
                }
            }
            Throwable root = e.getException();
            while (root != null && root.getCause() != null) {
                root = root.getCause();
            }
            if (root instanceof IllegalArgumentException && root.getMessage() != null && !msg.contains(root.getMessage())) {
                msg += ": " + root.getMessage(); // a Python semantics check of ours (py_slice)
            }
            // a method called on None (Jinjava names our class): jinja2's wording
            msg = msg.replaceAll("Cannot find method '?(\\w+)'?(?: with \\d+ parameters)? in '?class "
                    + PyNone.class.getName().replace(".", "\\.") + "'?", "'None' has no attribute '$1'");
            throw new InvalidInputException("chat template " + name + ": line " + e.getLineno() + ": " + msg);
        }
        return r.getOutput();
    }

    private static String findRaised(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof RaisedException re) {
                return re.getMessage();
            }
        }
        return null;
    }

    /** The exception {@code raise_exception} throws. */
    static final class RaisedException extends RuntimeException {
        RaisedException(String message) {
            super(message);
        }
    }

    /** {@code raise_exception(message)}: aborts the rendering with the template's message. */
    public static Object raiseException(String message) {
        throw new RaisedException(message);
    }

    /** {@code strftime_now(format)}: the current local time in Python {@code strftime} format. */
    public static String strftimeNow(String format) {
        return PyStrings.strftime(LocalDateTime.now(CLOCK.get()), format);
    }
}

package dev.unlearn.core.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a question and an answer become one training/scoring string (evaluation.md §1.1):
 * {@code prompt = userStart + question + userEnd + assistantStart} is masked (label -100), and
 * {@code answerPrefix + answer} (plus EOS) is scored.
 *
 * <p>{@link #PLAIN} (the default without a chat template) is {@code "Question: q\nAnswer:"} followed by
 * {@code " " + a}: the phi-style layout with the space carried by the answer so that tokenizers which
 * attach spaces to the following word (SentencePiece, our synth tokenizer) do not merge across the
 * prompt/answer boundary. {@link #TOFU_PHI} and {@link #OU_PHI} reproduce the two reference spellings
 * exactly (TOFU scores {@code "Answer: "} too; OU masks it), {@link #LLAMA2} the Llama-2-chat layout and
 * {@link #LLAMA3} the Llama-3.x Instruct chat template as open-unlearning fixed it.
 *
 * <p>A <em>chat</em> template ({@link #chat}) instead renders the model's own Jinja chat template: the
 * prompt is the conversation {@code [user: q]} with the generation prompt, the scored part exactly the
 * answer as the template renders it plus the end-of-turn token that follows it; the text already
 * holds its special tokens, so it is tokenized without adding any ({@link #addSpecialTokens()}), as
 * transformers' {@code apply_chat_template(tokenize=True)} does.
 */
public final class PromptTemplate {
    /** Default: {@code "Question: " + q + "\nAnswer:"} then {@code " " + a}. */
    public static final PromptTemplate PLAIN = new PromptTemplate("plain", "Question: ", "\n", "Answer:", " ");
    /** TOFU original phi/stablelm/pythia: prompt {@code "Question: q\n"}, scored {@code "Answer: a"}. */
    public static final PromptTemplate TOFU_PHI = new PromptTemplate("tofu-phi", "Question: ", "\n", "", "Answer: ");
    /** OU phi-1.5 / Llama-2-7b-hf tags: prompt {@code "Question: q\nAnswer: "}, scored {@code a}. */
    public static final PromptTemplate OU_PHI = new PromptTemplate("ou-phi", "Question: ", "\n", "Answer: ", "");
    /** Llama-2-chat: prompt {@code "[INST] q [/INST]"}, scored {@code a} (no space). */
    public static final PromptTemplate LLAMA2 = new PromptTemplate("llama2", "[INST] ", " [/INST]", "", "");

    /**
     * Llama-3.x Instruct chat template as open-unlearning applies it (evaluation.md §1.1): system prompt
     * "You are a helpful assistant.", date string "10 Apr 2025", generation prompt; the tokenizer adds
     * {@code <|begin_of_text|>} and the answer ends with the tokenizer's EOS ({@code <|eot_id|>}).
     */
    public static final PromptTemplate LLAMA3 = new PromptTemplate("llama3",
            "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 10 Apr 2025"
                    + "\n\nYou are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n",
            "<|eot_id|>", "<|start_header_id|>assistant<|end_header_id|>\n\n", "");

    public static final List<PromptTemplate> BUILT_IN = List.of(PLAIN, TOFU_PHI, OU_PHI, LLAMA2, LLAMA3);

    /** Special-token-looking pieces of rendered template text: {@code <|x|>}, {@code <x>}, {@code </x>}. */
    private static final Pattern SPECIAL = Pattern.compile("<\\|[^|\\s<>]+\\|>|</?[A-Za-z][A-Za-z0-9_]*>");

    private final String name;
    private final String userStart;
    private final String userEnd;
    private final String assistantStart;
    private final String answerPrefix;
    private final ChatTemplate chat;
    private final String systemPrompt;
    private final Map<String, Object> variables;

    /** A fixed-string template. */
    public PromptTemplate(String name, String userStart, String userEnd, String assistantStart, String answerPrefix) {
        if (name == null || userStart == null || userEnd == null || assistantStart == null || answerPrefix == null) {
            throw new InvalidInputException("prompt template fields must not be null (use \"\" for none)");
        }
        this.name = name;
        this.userStart = userStart;
        this.userEnd = userEnd;
        this.assistantStart = assistantStart;
        this.answerPrefix = answerPrefix;
        this.chat = null;
        this.systemPrompt = null;
        this.variables = Map.of();
    }

    private PromptTemplate(String name, ChatTemplate chat, String systemPrompt, Map<String, Object> variables) {
        this.name = name;
        this.userStart = "";
        this.userEnd = "";
        this.assistantStart = "";
        this.answerPrefix = "";
        this.chat = chat;
        this.systemPrompt = systemPrompt;
        this.variables = Map.copyOf(variables);
    }

    /**
     * A template that renders a Jinja chat template; {@code systemPrompt} (may be null) becomes a first
     * system message, {@code variables} extra template variables (e.g. {@code date_string}).
     */
    public static PromptTemplate chat(String name, ChatTemplate template, String systemPrompt,
            Map<String, Object> variables) {
        return new PromptTemplate(name, template, systemPrompt, variables);
    }

    /** Looks up a built-in template by name; the error lists the valid names. */
    public static PromptTemplate byName(String name) {
        for (PromptTemplate t : BUILT_IN) {
            if (t.name.equals(name)) {
                return t;
            }
        }
        throw new InvalidInputException("unknown prompt template '" + name + "'; expected auto, chat, one of "
                + BUILT_IN.stream().map(PromptTemplate::name).toList() + ", file:PATH.jinja, or (in a recipe) a"
                + " mapping with user_start/user_end/assistant_start/answer_prefix or chat_template/chat_template_file");
    }

    /**
     * Resolves a template spec for the model (or tokenizer) directory {@code modelDir}: {@code auto}
     * (also null) is the model's chat template if it has one, else {@link #PLAIN}; {@code chat} requires
     * the model's chat template; {@code file:PATH} (or a path ending in {@code .jinja}) is a custom chat
     * template with the model's special tokens; a JSON object is a custom template with
     * {@code user_start}/{@code user_end}/{@code assistant_start}/{@code answer_prefix}, or
     * {@code chat_template} (Jinja text) / {@code chat_template_file}, plus optional
     * {@code system_prompt}; anything else a built-in name. Relative files resolve against {@code baseDir}
     * (null: the working directory).
     */
    public static PromptTemplate resolve(String spec, Path modelDir, Path baseDir) {
        String s = spec == null ? "auto" : spec.trim();
        if (s.equals("auto") || s.equals("chat")) {
            Optional<ChatTemplate> t = modelDir == null ? Optional.empty() : ChatTemplate.fromDirectory(modelDir);
            if (t.isPresent()) {
                return chat("chat(" + t.get().name() + ")", t.get(), null, Map.of());
            }
            if (s.equals("chat")) {
                throw new InvalidInputException("template 'chat': " + modelDir + " has no chat template (neither "
                        + ChatTemplate.TEMPLATE_FILE + " nor chat_template in " + ChatTemplate.TOKENIZER_CONFIG + ")");
            }
            return PLAIN;
        }
        Path f = templateFile(s, baseDir);
        if (f != null) {
            return chat("chat(" + f + ")", customChat(read(f), f.toString(), modelDir), null, Map.of());
        }
        if (s.startsWith("{")) {
            JsonNode n;
            try {
                n = new ObjectMapper().readTree(s);
            } catch (IOException ex) {
                throw new InvalidInputException("template: malformed mapping: " + ex.getMessage(), ex);
            }
            return fromMapping(n, modelDir, baseDir);
        }
        return byName(s);
    }

    /**
     * Checks a template mapping (a recipe's {@code model.template}) without reading any template: its keys, their
     * types and its {@code variables}. The chat template it names is read when the model is known.
     */
    public static void checkMapping(String json) {
        try {
            JsonNode n = new ObjectMapper().readTree(json);
            if (n == null || !n.isObject()) {
                throw new InvalidInputException("template: expected a mapping, found " + n);
            }
            checkMapping(n);
        } catch (IOException ex) {
            throw new InvalidInputException("template: malformed mapping: " + ex.getMessage(), ex);
        }
    }

    /** The mapping's variables, after its keys and types are checked. */
    private static Map<String, Object> checkMapping(JsonNode n) {
        java.util.Set<String> known = java.util.Set.of("name", "user_start", "user_end", "assistant_start",
                "answer_prefix", "chat_template", "chat_template_file", "system_prompt", VARIABLES);
        for (java.util.Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new InvalidInputException("template." + k + ": unknown key; valid: " + new java.util.TreeSet<>(known));
            }
            if (!k.equals(VARIABLES) && !n.get(k).isTextual()) {
                throw new InvalidInputException("template." + k + ": expected a string, found " + n.get(k));
            }
        }
        boolean chat = n.has("chat_template") || n.has("chat_template_file") || n.has("system_prompt") || n.has(VARIABLES);
        if (chat && (n.has("user_start") || n.has("user_end") || n.has("assistant_start") || n.has("answer_prefix"))) {
            throw new InvalidInputException("template: user_start/user_end/assistant_start/answer_prefix make a plain"
                    + " template; chat_template, chat_template_file, system_prompt and variables belong to a chat template");
        }
        if (n.has("chat_template") && n.has("chat_template_file")) {
            throw new InvalidInputException("template: give one of chat_template, chat_template_file");
        }
        return variables(n.get(VARIABLES));
    }

    private static PromptTemplate fromMapping(JsonNode n, Path modelDir, Path baseDir) {
        Map<String, Object> variables = checkMapping(n);
        String system = n.hasNonNull("system_prompt") ? n.get("system_prompt").textValue() : null;
        if (modelTemplate(n)) {
            // the model's own chat template, with a system prompt or keywords of apply_chat_template
            Optional<ChatTemplate> t = modelDir == null ? Optional.empty() : ChatTemplate.fromDirectory(modelDir);
            if (t.isEmpty()) {
                throw new InvalidInputException("template: without chat_template or chat_template_file, system_prompt and"
                        + " variables apply to the model's chat template, and " + modelDir + " has none (neither "
                        + ChatTemplate.TEMPLATE_FILE + " nor chat_template in " + ChatTemplate.TOKENIZER_CONFIG + ")");
            }
            return chat(n.path("name").asText("chat(" + t.get().name() + ")"), t.get(), system, variables);
        }
        if (n.has("chat_template") || n.has("chat_template_file")) {
            String src;
            String where;
            if (n.has("chat_template")) {
                src = n.get("chat_template").textValue();
                where = "template.chat_template";
            } else {
                Path f = file(n.get("chat_template_file").textValue(), baseDir);
                src = read(f);
                where = f.toString();
            }
            return chat(n.path("name").asText("custom-chat"), customChat(src, where, modelDir), system, variables);
        }
        return new PromptTemplate(n.path("name").asText("custom"), n.path("user_start").asText(""),
                n.path("user_end").asText(""), n.path("assistant_start").asText(""), n.path("answer_prefix").asText(""));
    }

    /** The mapping key of extra template variables: {@code variables: {enable_thinking: false}}. */
    private static final String VARIABLES = "variables";

    /**
     * Whether a template spec renders the model's own chat template ({@code chat}, or a mapping of
     * {@code system_prompt}/{@code variables} without {@code chat_template}/{@code chat_template_file}), so that
     * resolving it needs the model directory.
     */
    public static boolean usesModelTemplate(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.equals("chat")) {
            return true;
        }
        if (!s.startsWith("{")) {
            return false;
        }
        try {
            JsonNode n = new ObjectMapper().readTree(s);
            return n != null && n.isObject() && modelTemplate(n);
        } catch (IOException ex) {
            return false; // resolve names the malformed mapping
        }
    }

    /** Whether a mapping gives a system prompt or variables but no template of its own: the model's is meant. */
    private static boolean modelTemplate(JsonNode n) {
        return !n.has("chat_template") && !n.has("chat_template_file") && (n.has("system_prompt") || n.has(VARIABLES));
    }

    /**
     * A mapping's {@code variables}, keywords of {@code apply_chat_template} such as Qwen3's
     * {@code enable_thinking}; the two the renderer sets itself are refused.
     */
    private static Map<String, Object> variables(JsonNode v) {
        if (v == null) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw new InvalidInputException("template.variables: expected a mapping of names to values, found " + v);
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (java.util.Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (ChatTemplate.RENDER_VARIABLES.contains(e.getKey())) {
                throw new InvalidInputException("template.variables." + e.getKey() + ": set by the toolkit for each prompt,"
                        + " not by a variable");
            }
            if (e.getValue().isNull()) {
                throw new InvalidInputException("template.variables." + e.getKey() + ": no value; give one, or leave it out");
            }
            out.put(e.getKey(), new ObjectMapper().convertValue(e.getValue(), Object.class));
        }
        return out;
    }

    private static ChatTemplate customChat(String src, String where, Path modelDir) {
        Map<String, Object> specials = modelDir == null ? Map.of()
                : ChatTemplate.fromDirectory(modelDir).map(ChatTemplate::specialTokens)
                        .orElseGet(() -> ChatTemplate.specialTokens(readConfig(modelDir)));
        return new ChatTemplate(src, where, specials);
    }

    private static JsonNode readConfig(Path dir) {
        Path f = dir.resolve(ChatTemplate.TOKENIZER_CONFIG);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return new ObjectMapper().readTree(f.toFile());
        } catch (IOException ex) {
            throw new InvalidInputException(f + ": cannot parse: " + ParseErrors.describe(ex), ex);
        }
    }

    /**
     * The custom chat template file a spec names ({@code file:PATH.jinja} or {@code PATH.jinja}, relative to
     * {@code baseDir} when given), or null when the spec names none; an input no output may overwrite.
     */
    public static Path templateFile(String spec, Path baseDir) {
        String s = spec == null ? "" : spec.trim();
        if (!s.startsWith("file:") && !s.endsWith(".jinja")) {
            return null;
        }
        return file(s.startsWith("file:") ? s.substring("file:".length()) : s, baseDir);
    }

    private static Path file(String p, Path baseDir) {
        Path f = Path.of(p);
        return f.isAbsolute() || baseDir == null ? f : baseDir.resolve(f);
    }

    private static String read(Path f) {
        if (!Files.isRegularFile(f)) {
            throw new InvalidInputException("chat template file " + f
                    + (Files.isDirectory(f) ? " is a directory, not a .jinja file" : " does not exist"));
        }
        try {
            return Files.readString(f);
        } catch (IOException ex) {
            throw new InvalidInputException("chat template file " + f + ": cannot read: " + ex.getMessage(), ex);
        }
    }

    public String name() { return name; }
    public String userStart() { return userStart; }
    public String userEnd() { return userEnd; }
    public String assistantStart() { return assistantStart; }
    public String answerPrefix() { return answerPrefix; }

    /** Whether this renders a Jinja chat template. */
    public boolean isChat() {
        return chat != null;
    }

    /** The chat template, or null for a fixed-string template. */
    public ChatTemplate chatTemplate() {
        return chat;
    }

    /**
     * Whether the tokenizer should add its special tokens (BOS) when encoding this template's text:
     * true for fixed-string templates, false for chat templates (their text holds them).
     */
    public boolean addSpecialTokens() {
        return chat == null;
    }

    private List<ChatTemplate.Message> conversation(String question, String answer) {
        List<ChatTemplate.Message> m = new ArrayList<>();
        if (systemPrompt != null) {
            m.add(new ChatTemplate.Message("system", systemPrompt));
        }
        m.add(new ChatTemplate.Message("user", question));
        if (answer != null) {
            m.add(new ChatTemplate.Message("assistant", answer));
        }
        return m;
    }

    /** The masked part. */
    public String prompt(String question) {
        if (chat != null) {
            return chat.render(conversation(question, null), true, variables);
        }
        return userStart + question + userEnd + assistantStart;
    }

    /** The whole sequence text: prompt then scored part (for chat templates: answer and end of turn). */
    public String full(String question, String answer) {
        if (chat != null) {
            ChatParts p = chatParts(question, answer);
            return p.prompt + p.answer + p.endOfTurn;
        }
        return prompt(question) + answerPrefix + answer;
    }

    /** The tokens of the prompt, with special tokens added as {@link #addSpecialTokens()} says. */
    public long[] encodePrompt(TextTokenizer tok, String question) {
        return tok.encode(prompt(question), addSpecialTokens());
    }

    /** A chat rendering split into prompt, answer (as the template renders it) and end-of-turn token. */
    public record ChatParts(String prompt, String answer, String endOfTurn) {}

    /**
     * Splits the rendering of {@code [user: q, assistant: a]}: it must start with the prompt
     * ({@code [user: q]} plus generation prompt); the answer as rendered (leading separator included,
     * content possibly trimmed by the template) follows; the end-of-turn token is the special token right
     * after it, or {@code eos_token} when the turn ends with none.
     */
    public ChatParts chatParts(String question, String answer) {
        if (chat == null) {
            throw new IllegalStateException("not a chat template");
        }
        String p = prompt(question);
        String conv = chat.render(conversation(question, answer), false, variables);
        if (!conv.startsWith(p)) {
            throw new InvalidInputException("chat template " + chat.name() + ": the conversation with the answer"
                    + " does not start with the generation prompt, so the answer cannot be scored on its own;"
                    + " use a built-in or custom template");
        }
        String rest = conv.substring(p.length());
        String core = answer.strip();
        int at = core.isEmpty() ? 0 : rest.indexOf(core);
        if (at < 0) {
            throw new InvalidInputException("chat template " + chat.name() + " changes the answer text when it"
                    + " renders it; use a built-in or custom template");
        }
        int end = at + core.length();
        String after = rest.substring(end);
        java.util.regex.Matcher mt = SPECIAL.matcher(after);
        String eot;
        if (mt.lookingAt()) {
            eot = mt.group();
        } else {
            Object eos = chat.specialTokens().get("eos_token");
            if (eos == null) {
                throw new InvalidInputException("chat template " + chat.name() + ": no end-of-turn token after the"
                        + " answer and no eos_token to use instead");
            }
            eot = eos.toString();
        }
        return new ChatParts(p, rest.substring(0, end), eot);
    }

    /**
     * Checks that every special-token-looking piece the template itself writes (in a sample
     * conversation, message texts removed) is one token of {@code tok}, so that nothing is silently
     * split into ordinary pieces; a no-op for fixed-string templates.
     *
     * @throws InvalidInputException naming the missing tokens
     */
    public void checkSpecialTokens(TextTokenizer tok) {
        if (chat == null) {
            return;
        }
        String q = "\u2063question\u2063";
        String a = "\u2063answer\u2063";
        String text = full(q, a).replace(q, " ").replace(a, " ");
        if (systemPrompt != null) {
            text = text.replace(systemPrompt, " ");
        }
        java.util.TreeSet<String> missing = new java.util.TreeSet<>();
        java.util.regex.Matcher m = SPECIAL.matcher(text);
        while (m.find()) {
            if (tok.encode(m.group(), false).length != 1) {
                missing.add(m.group());
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException("chat template " + chat.name() + " writes " + missing + ", which the"
                    + " tokenizer " + tok.source() + " does not have as single tokens; use the tokenizer the"
                    + " template was written for");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptTemplate t && t.name.equals(name) && t.userStart.equals(userStart)
                && t.userEnd.equals(userEnd) && t.assistantStart.equals(assistantStart)
                && t.answerPrefix.equals(answerPrefix) && java.util.Objects.equals(chat == null ? null : chat.source(),
                        t.chat == null ? null : t.chat.source())
                && java.util.Objects.equals(systemPrompt, t.systemPrompt) && variables.equals(t.variables);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, userStart, userEnd, assistantStart, answerPrefix,
                chat == null ? null : chat.source(), systemPrompt);
    }

    @Override
    public String toString() {
        return chat == null ? "PromptTemplate[" + name + "]" : "PromptTemplate[" + name + ", chat]";
    }
}

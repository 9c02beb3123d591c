package dev.unlearn.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.synth.SynthTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QA tokenization through a model's chat template: prompt, scored answer + end-of-turn, special tokens. */
class ChatQaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String Q = "Who wrote the book?";
    static final String A = "Mira Okafor wrote it.";

    /** A word-level tokenizer directory with extra special tokens and a chat template. */
    static Path tokenizerDir(Path dir, String template, String bos, String eos, List<String> specials) throws Exception {
        Files.createDirectories(dir);
        ObjectNode tj = SynthTokenizer.tokenizerJson(JSON, List.of(Q + " " + A + " system user assistant You are a"
                + " helpful assistant. Knowledge cutoff: December 2023 Today: 10 Apr 2025"));
        ArrayNode added = (ArrayNode) tj.get("added_tokens");
        ObjectNode vocab = (ObjectNode) tj.get("model").get("vocab");
        int id = vocab.size();
        for (String s : specials) {
            ObjectNode t = added.addObject();
            t.put("id", id);
            t.put("content", s);
            t.put("single_word", false).put("lstrip", false).put("rstrip", false).put("normalized", false)
                    .put("special", true);
            vocab.put(s, id++);
        }
        tj.remove("post_processor");
        Files.writeString(dir.resolve("tokenizer.json"), JSON.writeValueAsString(tj));
        ObjectNode cfg = SynthTokenizer.tokenizerConfig(JSON);
        cfg.put("bos_token", bos);
        cfg.put("eos_token", eos);
        cfg.put("chat_template", template);
        Files.writeString(dir.resolve("tokenizer_config.json"), JSON.writeValueAsString(cfg));
        return dir;
    }

    static String template(String name) throws Exception {
        return ChatTemplateJinja2Test.text(name + ".jinja");
    }

    @Test
    void qwenStyleScoresExactlyTheAnswerAndEndOfTurn(@TempDir Path tmp) throws Exception {
        Path dir = tokenizerDir(tmp.resolve("qwen"), template("qwen-style"), "<s>", "<|im_end|>",
                List.of("<|im_start|>", "<|im_end|>"));
        PromptTemplate t = PromptTemplate.resolve("auto", dir, null);
        assertTrue(t.isChat());
        assertFalse(t.addSpecialTokens());
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            QaTokenization qt = new QaTokenization(tok, t, 512);
            TokenizedExample ex = qt.tokenize("r1", Q, A);
            assertEquals(A + "<|im_end|>", qt.scoredText(ex));
            long[] ids = ex.inputIds();
            assertEquals(tok.encode("<|im_end|>", false)[0], ids[ids.length - 1]);
            String prompt = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n" + Q
                    + "<|im_end|>\n<|im_start|>assistant\n";
            assertEquals(prompt, t.prompt(Q));
            assertArrayEquals(tok.encode(prompt, false), Arrays.copyOf(ids, ex.promptLength()));
            assertArrayEquals(tok.encode(prompt, false), qt.encodePrompt(Q), "generation prompt without added BOS");
        }
    }

    @Test
    void llama3StyleKeepsOneBosAndTrimsTheAnswer(@TempDir Path tmp) throws Exception {
        Path dir = tokenizerDir(tmp.resolve("llama3"), template("llama3-style"), "<|begin_of_text|>", "<|eot_id|>",
                List.of("<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"));
        PromptTemplate t = PromptTemplate.resolve("chat", dir, null);
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            TokenizedExample ex = new QaTokenization(tok, t, 512).tokenize("r1", Q, "  " + A + " ");
            long bos = tok.encode("<|begin_of_text|>", false)[0];
            assertEquals(bos, ex.inputIds()[0]);
            assertEquals(1, Arrays.stream(ex.inputIds()).filter(x -> x == bos).count(), "one BOS");
            PromptTemplate.ChatParts p = t.chatParts(Q, "  " + A + " ");
            assertEquals(A, p.answer(), "the template trims the content; the answer is scored as rendered");
            assertEquals("<|eot_id|>", p.endOfTurn());
            assertEquals(A + "<|eot_id|>", new QaTokenization(tok, t, 512).scoredText(ex));
        }
    }

    @Test
    void mistralStyleEndsWithEos(@TempDir Path tmp) throws Exception {
        Path dir = tokenizerDir(tmp.resolve("mistral"), template("mistral-style"), "<s>", "</s>", List.of());
        PromptTemplate t = PromptTemplate.resolve("auto", dir, null);
        PromptTemplate.ChatParts p = t.chatParts(Q, A);
        assertEquals("<s> [INST] " + Q + " [/INST]", p.prompt());
        assertEquals(" " + A, p.answer());
        assertEquals("</s>", p.endOfTurn());
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            TokenizedExample ex = new QaTokenization(tok, t, 512).tokenize("r1", Q, A);
            assertEquals(tok.eosId(), ex.inputIds()[ex.inputIds().length - 1]);
        }
    }

    @Test
    void specialTokensTheTokenizerLacksAreAnError(@TempDir Path tmp) throws Exception {
        Path dir = tokenizerDir(tmp.resolve("bad"), template("llama3-style"), "<|begin_of_text|>", "<|eot_id|>",
                List.of("<|begin_of_text|>", "<|eot_id|>"));
        PromptTemplate t = PromptTemplate.resolve("auto", dir, null);
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> new QaTokenization(tok, t, 512));
            assertTrue(e.getMessage().contains("<|start_header_id|>") && e.getMessage().contains("<|end_header_id|>"),
                    e.getMessage());
        }
    }

    @Test
    void resolveFallsBackToPlainAndReadsCustomSpecs(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("none"));
        assertEquals(PromptTemplate.PLAIN, PromptTemplate.resolve("auto", tmp.resolve("none"), null));
        assertEquals(PromptTemplate.PLAIN, PromptTemplate.resolve(null, null, null));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PromptTemplate.resolve("chat", tmp.resolve("none"), null));
        assertTrue(e.getMessage().contains("no chat template"), e.getMessage());
        PromptTemplate custom = PromptTemplate.resolve(
                "{\"user_start\": \"Q: \", \"user_end\": \"\\n\", \"assistant_start\": \"A:\", \"answer_prefix\": \" \"}",
                null, null);
        assertEquals("Q: x\nA: y", custom.full("x", "y"));
        Files.writeString(tmp.resolve("t.jinja"), "{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}"
                + "{% if add_generation_prompt %}[assistant]{% endif %}");
        PromptTemplate file = PromptTemplate.resolve("file:t.jinja", null, tmp);
        assertEquals("[user] x\n[assistant]", file.prompt("x"));
        PromptTemplate inline = PromptTemplate.resolve(JSON.writeValueAsString(Map.of("chat_template",
                "{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}", "system_prompt", "S")),
                null, null);
        assertEquals("<system>S<user>x", inline.prompt("x"));
        e = assertThrows(InvalidInputException.class, () -> PromptTemplate.resolve("{\"user_begin\": \"x\"}", null, null));
        assertTrue(e.getMessage().contains("user_begin"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> PromptTemplate.byName("nope"));
        assertTrue(e.getMessage().contains("auto") && e.getMessage().contains("user_start"), e.getMessage());
    }

    /**
     * A mapping's {@code variables} reach the template as apply_chat_template's keywords (Qwen3's enable_thinking),
     * on the model's own template when the mapping names none; bad variables are refused by name.
     */
    @Test
    void templateVariablesReachTheModelsOwnTemplateOrACustomOne(@TempDir Path tmp) throws Exception {
        String qwen3Tail = "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}{% if add_generation_prompt %}"
                + "<assistant>{% if enable_thinking is defined and enable_thinking is false %}<think></think>{% endif %}"
                + "{% endif %}";
        Path dir = tokenizerDir(tmp.resolve("m"), qwen3Tail, "<s>", "</s>", List.of());
        assertEquals("<user>x<assistant>", PromptTemplate.resolve("chat", dir, null).prompt("x"));
        String off = "{\"variables\": {\"enable_thinking\": false}}";
        assertTrue(PromptTemplate.usesModelTemplate(off) && PromptTemplate.usesModelTemplate("chat"));
        assertEquals("<user>x<assistant><think></think>", PromptTemplate.resolve(off, dir, null).prompt("x"));
        assertEquals("<system>S<user>x<assistant>", PromptTemplate.resolve("{\"system_prompt\": \"S\"}", dir, null).prompt("x"));
        PromptTemplate custom = PromptTemplate.resolve(JSON.writeValueAsString(Map.of("chat_template", "{{ style }}:"
                + "{% for m in messages %}{{ m.content }}{% endfor %}", "variables", Map.of("style", "terse"))), dir, null);
        assertEquals("terse:x", custom.prompt("x"));
        Files.createDirectories(tmp.resolve("bare"));
        for (String[] bad : new String[][] {
            {"{\"variables\": {\"messages\": []}}", "template.variables.messages: set by the toolkit"},
            {"{\"variables\": [1]}", "template.variables: expected a mapping"},
            {"{\"variables\": {}, \"user_start\": \"Q\"}", "belong to a chat template"},
            {"{\"system_prompt\": \"S\"}", "has none"}}) {
            Path at = bad[1].equals("has none") ? tmp.resolve("bare") : dir;
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> PromptTemplate.resolve(bad[0], at, null));
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
        PromptTemplate.checkMapping(off); // a recipe's check at load, before the model is known
    }

    @Test
    void chatTemplateFileWinsOverTokenizerConfig(@TempDir Path tmp) throws Exception {
        Path dir = tokenizerDir(tmp.resolve("m"), "from-config", "<s>", "</s>", List.of());
        assertEquals("from-config", ChatTemplate.fromDirectory(dir).orElseThrow().render(List.of(), false));
        Files.writeString(dir.resolve("chat_template.jinja"), "from-file {{ eos_token }}");
        assertEquals("from-file </s>", ChatTemplate.fromDirectory(dir).orElseThrow().render(List.of(), false));
    }
}

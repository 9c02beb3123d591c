package dev.unlearn.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.text.PromptTemplate;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** chat-template command, recipe model_type and template validation, the TOFU Llama-3.2 recipe's model. */
class ModelFamiliesCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void chatTemplatePrintsExactlyWithoutTrailingNewline(@TempDir Path tmp) throws Exception {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("bos_token", "<s>");
        cfg.put("eos_token", "</s>");
        cfg.put("chat_template", "{{ bos_token }}{% for m in messages %}{{ '<|' + m.role + '|>\\n' + m.content | trim"
                + " + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}");
        Files.writeString(tmp.resolve("tokenizer_config.json"), cfg.toString());
        Path msgs = tmp.resolve("m.json");
        Files.writeString(msgs, "[{\"role\": \"user\", \"content\": \" Hi \"}]");
        CliRun r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals("<s><|user|>\nHi\n", r.out());
        r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString(), "--add-generation-prompt");
        assertEquals("<s><|user|>\nHi\n<|assistant|>\n", r.out());
        Files.writeString(tmp.resolve("t.jinja"), "[{{ messages | length }}]");
        r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString(), "--template",
                tmp.resolve("t.jinja").toString());
        assertEquals("[1]", r.out());
        Files.writeString(msgs, "[{\"role\": \"user\"}]");
        r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("content"), r.err());
    }

    /**
     * A conversation with tool calls: every message field (tool_calls, tool_call_id) and --tools reach the
     * template as in transformers; a null content stays null, so '+' on it fails as Python's TypeError does.
     */
    @Test
    void chatTemplatePassesToolCallsAndTools(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        Path t = Files.writeString(tmp.resolve("t.jinja"), "{% for t in tools or [] %}[{{ t.function.name }}: "
                + "{{ t.function.parameters.properties|list|join(',') }}]{% endfor %}{% for m in messages %}"
                + "{% if m.tool_calls is defined %}{% for c in m.tool_calls %}{{ c.function.name }}("
                + "{% for k in c.function.arguments %}{{ k }}={{ c.function.arguments[k]|tojson }}{% endfor %}){% endfor %}"
                + "{% elif m.role == 'tool' %}<{{ m.tool_call_id }}:{{ m.content }}>{% else %}{{ m.role + ':' + m.content }}"
                + "{% endif %}|{% endfor %}");
        Path msgs = Files.writeString(tmp.resolve("m.json"), "[{\"role\": \"user\", \"content\": \"Weather?\"},"
                + " {\"role\": \"assistant\", \"tool_calls\": [{\"type\": \"function\", \"function\": {\"name\": \"w\","
                + " \"arguments\": {\"city\": \"Paris\", \"days\": 2}}}]},"
                + " {\"role\": \"tool\", \"tool_call_id\": \"c1\", \"content\": \"18\"}]");
        Path tools = Files.writeString(tmp.resolve("tools.json"), "[{\"type\": \"function\", \"function\": {\"name\": \"w\","
                + " \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {}, \"days\": {}}}}}]");
        CliRun r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString(), "--template",
                t.toString(), "--tools", tools.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals("[w: city,days]user:Weather?|w(city=\"Paris\"days=2)|<c1:18>|", r.out());
        r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString(), "--template", t.toString());
        assertEquals("user:Weather?|w(city=\"Paris\"days=2)|<c1:18>|", r.out(), r.toString());
        // --var: other template variables, as apply_chat_template's keywords (Qwen3's enable_thinking)
        Path think = Files.writeString(tmp.resolve("think.jinja"), "{{ enable_thinking }}|{{ enable_thinking is defined }}|"
                + "{% for d in documents %}{{ d.title }};{% endfor %}|{{ style }}");
        r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString(), "--template", think.toString(),
                "--var", "enable_thinking=false", "--var", "documents=[{\"title\": \"a\"}, {\"title\": \"b\"}]",
                "--var", "style=\"terse\"");
        assertEquals("False|True|a;b;|terse", r.out(), r.toString());
        for (String[] bad : new String[][] {{"style=terse", "the value is not JSON"}, {"tools=[]", "set by --tools"},
            {"1x=2", "expected NAME=JSON"}}) {
            r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString(), "--var", bad[0]);
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains(bad[1]), r.err());
        }
        // without --tools, tools is None, as transformers passes it: a loop over it fails as in Python
        Path bare = Files.writeString(tmp.resolve("bare.jinja"), "{{ tools is none }}{% for t in tools %}{% endfor %}");
        r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString(), "--template", bare.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("'NoneType' object is not iterable"), r.err());

        Files.writeString(msgs, "[{\"role\": \"user\", \"content\": null}]");
        r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString(), "--template", t.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("unsupported operand types for +: 'str' and 'NoneType'"), r.err());
        assertFalse(r.err().contains("undefined"), "a JSON null is None, not undefined: " + r.err());
        Files.writeString(msgs, "[{\"role\": \"assistant\", \"name\": \"x\"}]");
        r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString(), "--template", t.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("entry 0: needs a string 'role' and a 'content'"), r.err());
        Files.writeString(msgs, "[{\"role\": \"user\", \"content\": \"hi\"}]");
        Files.writeString(tools, "{\"name\": \"w\"}");
        r = CliRun.of("chat-template", "--model", tmp.toString(), "--messages", msgs.toString(), "--tools", tools.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(tools + ": --tools expects a JSON list of tool definitions, found object"), r.err());
    }

    /**
     * score with template auto on a model whose tokenizer_config.json has a chat template: the scored
     * tokens are exactly the answer's and the end-of-turn token; plain scores the answer and EOS.
     */
    @Test
    void scoreUsesTheModelsChatTemplateByDefault(@TempDir Path tmp) throws Exception {
        String q = "Who wrote the book?";
        String a = "Mira wrote it.";
        Path tokDir = Files.createDirectories(tmp.resolve("tok"));
        ObjectNode tj = dev.unlearn.core.synth.SynthTokenizer.tokenizerJson(JSON, java.util.List.of(q + " " + a
                + " system user assistant You are a helpful assistant."));
        com.fasterxml.jackson.databind.node.ArrayNode added = (com.fasterxml.jackson.databind.node.ArrayNode) tj.get("added_tokens");
        ObjectNode vocab = (ObjectNode) tj.get("model").get("vocab");
        for (String sp : new String[] {"<|im_start|>", "<|im_end|>"}) {
            int id = vocab.size();
            added.addObject().put("id", id).put("content", sp).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
            vocab.put(sp, id);
        }
        Files.writeString(tokDir.resolve("tokenizer.json"), JSON.writeValueAsString(tj));
        ObjectNode cfg = dev.unlearn.core.synth.SynthTokenizer.tokenizerConfig(JSON);
        cfg.put("chat_template", "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}"
                + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");
        Files.writeString(tokDir.resolve("tokenizer_config.json"), JSON.writeValueAsString(cfg));
        Path model = tmp.resolve("model");
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager();
                CausalLm lm = CausalLm.random(ModelConfig.example("qwen2", 32, 1, 4, 2, 48, vocab.size()), m,
                        Device.cpu(), 3)) {
            Checkpoint.save(lm, model, tokDir, DataType.FLOAT32);
        }
        CliRun r = CliRun.of("score", "--model", model.toString(), "--question", q, "--answer", a, "--json");
        assertEquals(0, r.code(), r.toString());
        com.fasterxml.jackson.databind.JsonNode o = JSON.readTree(r.out());
        java.util.List<String> scored = new java.util.ArrayList<>();
        o.get("scored_tokens").forEach(t -> scored.add(t.asText()));
        assertEquals("<|im_end|>", scored.get(scored.size() - 1), r.out());
        assertEquals(a, String.join("", scored.subList(0, scored.size() - 1)).replace('\u2581', ' ').trim(), r.out());
        assertEquals(scored.size(), o.get("token_count").asInt());
        r = CliRun.of("score", "--model", model.toString(), "--question", q, "--answer", a, "--json", "--template", "plain");
        com.fasterxml.jackson.databind.JsonNode p = JSON.readTree(r.out());
        assertEquals("</s>", p.get("scored_tokens").get(p.get("scored_tokens").size() - 1).asText(), r.out());
    }

    static final String RECIPE = """
            name: t
            data:
              builtin: {authors: 3, seed: 1}
            model:
              init: {hidden_size: 32, layers: 1, heads: 4, kv_heads: 2, intermediate_size: 48, model_type: TYPE}
              TEMPLATE
            methods:
              - method: ga
            """;

    static Recipe load(Path dir, String type, String template) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, RECIPE.replace("TYPE", type).replace("TEMPLATE", template));
        return RecipeLoader.load(f);
    }

    @Test
    void recipesValidateModelTypeAndTemplates(@TempDir Path tmp) throws Exception {
        for (String t : new String[] {"llama", "qwen2", "qwen3", "mistral", "gemma2", "phi3"}) {
            load(tmp, t, "");
        }
        String m = assertThrows(InvalidInputException.class, () -> load(tmp, "gpt2", "")).getMessage();
        assertTrue(m.contains("model.init.model_type") && m.contains("gpt2") && m.contains("gemma2"), m);
        Recipe r = load(tmp, "llama", "template: {user_start: 'Q: ', user_end: \"\\n\", assistant_start: 'A:', answer_prefix: ' '}");
        assertEquals("Q: x\nA: y", PromptTemplate.resolve(r.model().template(), null, tmp).full("x", "y"));
        m = assertThrows(InvalidInputException.class, () -> load(tmp, "llama", "template: {user_begin: 'Q: '}"))
                .getMessage();
        assertTrue(m.contains("model.template") && m.contains("user_begin") && m.contains("user_start"), m);
        m = assertThrows(InvalidInputException.class, () -> load(tmp, "llama", "template: nope")).getMessage();
        assertTrue(m.contains("model.template") && m.contains("nope"), m);
        load(tmp, "llama", "template: auto");
        load(tmp, "llama", "template: {chat_template: '{{ messages[0].content }}', system_prompt: S}");
    }

    /**
     * recipes/tofu-forget10.yaml validates, and its model directory loads when it holds a random-weight
     * stand-in with Llama-3.2-1B-Instruct's config.json (vocabulary, rope scaling, head_dim, tied head,
     * EOS list as published; one layer and hidden 64 so that the test stays small).
     */
    @Test
    void tofuRecipeLoadsALlama32StandIn(@TempDir Path tmp) throws Exception {
        Path recipes = Path.of(System.getProperty("user.dir")).getParent().resolve("recipes");
        Path copy = tmp.resolve("tofu-forget10.yaml");
        Files.copy(recipes.resolve("tofu-forget10.yaml"), copy);
        Recipe r = RecipeLoader.load(copy);
        String json;
        try (InputStream in = ModelConfig.class.getResourceAsStream("/configs/llama-3.2-1b-instruct.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ModelConfig exact = ModelConfig.parse(json, "llama-3.2-1b-instruct.json");
        ModelConfig small = exact.with("num_hidden_layers", 1).with("hidden_size", 64).with("intermediate_size", 96)
                .with("num_key_value_heads", 1).with("num_attention_heads", 4);
        Path modelDir = tmp.resolve(r.model().checkpoint());
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(); CausalLm lm = CausalLm.random(small, m, Device.cpu(), 1)) {
            Checkpoint.save(lm, modelDir, null, DataType.BFLOAT16);
        }
        try (CausalLm lm = Checkpoint.load(modelDir, Device.cpu())) {
            assertEquals("llama3", lm.config().architecture().ropeScaling().type());
            assertEquals(exact.json().get("rope_scaling"), lm.config().json().get("rope_scaling"));
            assertEquals(128256, lm.config().vocabSize());
        }
        assertEquals("llama3", PromptTemplate.resolve(r.model().template(), modelDir, tmp).name());
    }
}

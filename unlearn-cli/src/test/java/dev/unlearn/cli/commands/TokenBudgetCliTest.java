package dev.unlearn.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --max-batch-tokens}: finetune cuts its micro-batches by padded tokens as well as by rows. */
class TokenBudgetCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> log(Path out) throws Exception {
        Path f = out.resolve("train-log.jsonl");
        List<JsonNode> steps = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
            if (!line.isBlank()) {
                steps.add(JSON.readTree(line));
            }
        }
        return steps;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long tokens(List<JsonNode> steps) {
        return steps.stream().mapToLong(s -> s.path("tokens").asLong()).sum();
    }

    @Test
    void finetuneUnderATokenBudgetTakesMoreSmallerStepsOverTheSameRows(@TempDir Path tmp) throws Exception {
        assertEquals(0, CliRun.of("data", "synth", "--authors", "2", "--seed", "5", "--out", tmp.resolve("a").toString()).code());
        int vocab = JSON.readTree(tmp.resolve("a/tokenizer.json").toFile()).path("model").path("vocab").size();
        Files.writeString(tmp.resolve("init.json"), "{\"model_type\": \"llama\", \"hidden_size\": 16, \"num_hidden_layers\": 1,"
                + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"intermediate_size\": 32, \"vocab_size\": " + vocab
                + ", \"rms_norm_eps\": 1e-5, \"rope_theta\": 10000.0, \"tie_word_embeddings\": true,"
                + " \"max_position_embeddings\": 128}");
        String[] base = {"finetune", "--init", tmp.resolve("init.json").toString(), "--tokenizer", tmp.resolve("a").toString(),
            "--data", tmp.resolve("a/full.json").toString(), "--lr", "1e-3", "--batch-size", "8", "--epochs", "1",
            "--max-steps", "0"};
        CliRun plain = CliRun.of(concat(base, "--out", tmp.resolve("plain").toString()));
        assertEquals(0, plain.code(), plain.toString());
        CliRun cut = CliRun.of(concat(base, "--max-batch-tokens", "64", "--out", tmp.resolve("cut").toString()));
        assertEquals(0, cut.code(), cut.toString());
        List<JsonNode> a = log(tmp.resolve("plain"));
        List<JsonNode> b = log(tmp.resolve("cut"));
        int rows = JSON.readTree(tmp.resolve("plain/finetune.json").toFile()).path("examples").asInt();
        assertEquals((rows + 7) / 8, a.size(), "rows " + rows + " in batches of 8");
        assertEquals(b.size(), JSON.readTree(tmp.resolve("cut/finetune.json").toFile()).path("steps").asInt());
        assertTrue(b.size() > a.size(), "the budget cuts more micro-batches: " + b.size() + " vs " + a.size());
        assertEquals(tokens(a), tokens(b), "one epoch: every row once either way");
        assertTrue(Files.isRegularFile(tmp.resolve("cut/model.safetensors")));

        CliRun bad = CliRun.of(concat(base, "--max-batch-tokens", "-3", "--out", tmp.resolve("bad").toString()));
        assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--max-batch-tokens") && bad.err().contains(">= 0"), bad.toString());
        bad = CliRun.of(concat(base, "--max-batch-tokens", "many", "--out", tmp.resolve("bad").toString()));
        assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--max-batch-tokens"), bad.toString());
        assertTrue(!Files.exists(tmp.resolve("bad")), "nothing written for bad input");
    }
}

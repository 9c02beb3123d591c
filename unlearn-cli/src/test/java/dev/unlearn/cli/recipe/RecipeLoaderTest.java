package dev.unlearn.cli.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeLoaderTest {
    static final String GOOD = """
            name: t
            seed: 1
            data:
              builtin: {authors: 10, seed: 3}
            model:
              init: {hidden_size: 64, layers: 2, heads: 4, kv_heads: 2, intermediate_size: 128}
            finetune: {epochs: 5, lr: 0.003, batch_size: 8}
            methods:
              - method: ga
                train: {epochs: 2, lr: 0.001}
              - name: npo-strong
                method: npo
                config: {beta: 0.2}
            eval:
              suites: [tofu, mia]
            """;

    private static String error(Path dir, String yaml) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, yaml);
        return assertThrows(InvalidInputException.class, () -> RecipeLoader.load(f)).getMessage();
    }

    @Test
    void goodRecipeBinds(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, GOOD);
        Recipe r = RecipeLoader.load(f);
        assertEquals(2, r.methods().size());
        assertEquals("npo-strong", r.methods().get(1).label());
        assertEquals(0.2, ((Number) r.methods().get(1).config().get("beta")).doubleValue());
        assertEquals(64, r.model().init().hiddenSize());
    }

    @Test
    void unknownKeyNamesItsPathAndValidKeys(@TempDir Path dir) throws Exception {
        String m = error(dir, GOOD.replace("train: {epochs: 2, lr: 0.001}", "train: {epochs: 2, learning_rate: 0.001}"));
        assertTrue(m.contains("methods[0].train.learning_rate"), m);
        assertTrue(m.contains("lr"), m);
        assertTrue(m.contains("r.yaml"), m);
    }

    @Test
    void wrongTypeNamesItsPath(@TempDir Path dir) throws Exception {
        String m = error(dir, GOOD.replace("finetune: {epochs: 5,", "finetune: {epochs: five,"));
        assertTrue(m.contains("finetune.epochs"), m);
        assertTrue(m.contains("integer"), m);
    }

    @Test
    void semanticErrorsNameTheKey(@TempDir Path dir) throws Exception {
        assertTrue(error(dir, GOOD.replace("lr: 0.003", "lr: -1")).contains("finetune.lr"));
        assertTrue(error(dir, GOOD.replace("[tofu, mia]", "[tofu, bogus]")).contains("eval.suites[1]"));
        assertTrue(error(dir, GOOD.replace("kv_heads: 2", "kv_heads: 3")).contains("model.init.kv_heads"));
        assertTrue(error(dir, GOOD.replace("- name: npo-strong\n    method: npo", "- method: ga")).contains("used twice"));
        assertTrue(error(dir, GOOD.replace("  builtin: {authors: 10, seed: 3}\n", "")).contains("data"));
    }

    @Test
    void malformedYamlAndMissingFile(@TempDir Path dir) throws Exception {
        String y = error(dir, "data: {builtin: {authors: 3}\n");
        assertTrue(y.contains("not valid YAML"), y);
        String m = assertThrows(InvalidInputException.class, () -> RecipeLoader.load(dir.resolve("nope.yaml"))).getMessage();
        assertTrue(m.contains("nope.yaml"), m);
    }
}

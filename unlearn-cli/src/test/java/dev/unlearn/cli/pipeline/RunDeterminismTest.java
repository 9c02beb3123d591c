package dev.unlearn.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.io.Digests;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the same recipe run twice in one process gives bit-identical weights for every model it
 * trains (full, retain, each method) and identical report figures. Before the scalar fix, a garbage
 * collection between forward and backward made runs differ (six NPO runs, six different weights).
 *
 * <p>By default a small recipe with every method runs (seconds); {@code -Dunlearn.determinism.recipe=
 * recipes/demo.yaml} runs the real demo twice, as reported in the README.
 */
class RunDeterminismTest {
    static final String RECIPE = """
            name: determinism
            seed: 5
            data: {builtin: {authors: 3, seed: 2}}
            model: {init: {hidden_size: 32, layers: 2, heads: 4, kv_heads: 2, intermediate_size: 64}}
            finetune: {max_steps: 40, lr: 0.003, batch_size: 8}
            methods:
              - {method: ga, train: {max_steps: 3, lr: 0.002, batch_size: 4}}
              - {method: graddiff, train: {max_steps: 3, lr: 0.002, batch_size: 4}}
              - {method: npo, train: {max_steps: 3, lr: 0.002, batch_size: 4}}
              - {method: simnpo, train: {max_steps: 3, lr: 0.002, batch_size: 4}}
              - {method: flat, config: {templates: refusals.txt}, train: {max_steps: 3, lr: 0.001, batch_size: 4}}
              - {method: ssd}
              - {method: rmu, train: {max_steps: 3, lr: 0.001, batch_size: 4}}
              - {name: pd-npo, method: pd, config: {base: npo}, train: {max_steps: 3, lr: 0.002, batch_size: 4}}
            eval: {suites: [tofu], max_new_tokens: 8}
            """;

    @Test
    void twoRunsInOneProcessGiveBitIdenticalWeights(@TempDir Path tmp) throws IOException {
        String path = System.getProperty("unlearn.determinism.recipe");
        Path recipeFile;
        if (path == null) {
            recipeFile = tmp.resolve("determinism.yaml");
            Files.writeString(recipeFile, RECIPE);
        } else {
            recipeFile = Path.of(path).toAbsolutePath();
        }
        Recipe r = RecipeLoader.load(recipeFile);
        Path recipeDir = recipeFile.toAbsolutePath().getParent();
        RunPipeline.Result a = run(r, recipeDir, tmp.resolve("a"));
        RunPipeline.Result b = run(r, recipeDir, tmp.resolve("b"));
        Map<String, String> wa = weights(a.runDir());
        Map<String, String> wb = weights(b.runDir());
        assertTrue(wa.size() >= 2 + r.methods().size(), "weights found: " + wa.keySet());
        assertEquals(wa, wb, "SHA-256 of every weight file, by path in the run directory");
        assertEquals(a.models().size(), b.models().size());
        for (int i = 0; i < a.models().size(); i++) {
            assertEquals(a.models().get(i).summary(), b.models().get(i).summary(), a.models().get(i).name());
        }
        System.out.println("determinism: " + wa.size() + " weight files bit-identical across two runs: " + wa.keySet());
        if (path != null) {
            PrintWriter out = new PrintWriter(System.out, true);
            RunReport.print(out, a);
            out.flush();
        }
    }

    private static RunPipeline.Result run(Recipe r, Path recipeDir, Path runDir) {
        StringWriter log = new StringWriter();
        RunPipeline.Result res = new RunPipeline(new DefaultSteps(new PrintStream(PrintStream.nullOutputStream())),
                new PrintWriter(log)).run(r, recipeDir, runDir, null);
        assertFalse(res.models().isEmpty(), log.toString());
        return res;
    }

    /** Relative path -&gt; SHA-256 of every {@code *.safetensors} under {@code dir}. */
    private static Map<String, String> weights(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".safetensors")).toList()) {
                out.put(dir.relativize(p).toString(), Digests.sha256(p));
            }
        }
        return out;
    }
}

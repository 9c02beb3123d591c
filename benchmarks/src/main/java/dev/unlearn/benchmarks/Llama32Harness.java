package dev.unlearn.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.Generator;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.score.Scorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A random-weight model with Llama-3.2-1B-Instruct's exact {@code config.json} (llama3 rope scaling,
 * 16 layers, hidden 2048, GQA 32/8, head_dim 64, vocab 128256, tied head): written as a bf16 checkpoint,
 * loaded back (float32 compute), scored on a prompt/answer pair and used for greedy generation with the
 * KV cache. Prints timings, tokens/s and the process's peak resident memory (VmHWM).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.unlearn.benchmarks.Llama32Harness CONFIG.json WORKDIR [PROMPT_TOKENS] [NEW_TOKENS]
 * </pre>
 */
public final class Llama32Harness {
    private Llama32Harness() {}

    public static void main(String[] args) throws Exception {
        Path cfgFile = Path.of(args[0]);
        Path work = Path.of(args[1]);
        int promptTokens = TrainStep.intArg(args, 2, 128);
        int newTokens = TrainStep.intArg(args, 3, 32);
        Engines.pytorch();
        ModelConfig cfg = ModelConfig.read(cfgFile);
        System.out.println("config: " + cfg + ", rope " + cfg.architecture().ropeScaling());
        Path dir = work.resolve("llama32-random");
        long t0 = System.nanoTime();
        try (NDManager root = NDManager.newBaseManager()) {
            try (CausalLm lm = CausalLm.random(cfg, root, Device.cpu(), 1)) {
                System.out.printf("random init: %.1f s, RSS peak %s%n", secs(t0), peak());
                long t1 = System.nanoTime();
                Checkpoint.save(lm, dir, null, DataType.BFLOAT16);
                System.out.printf("saved bf16 to %s: %.1f s (%.2f GB)%n", dir, secs(t1),
                        Files.size(dir.resolve("model.safetensors")) / 1e9);
            }
            System.gc();
        }
        long t2 = System.nanoTime();
        try (CausalLm lm = Checkpoint.load(dir, Device.cpu())) {
            System.out.printf("load: %.1f s, RSS peak %s%n", secs(t2), peak());
            Random r = new Random(5);
            long[] ids = new long[promptTokens + 16];
            ids[0] = 128000;
            for (int i = 1; i < ids.length; i++) {
                ids[i] = r.nextInt(cfg.vocabSize());
            }
            long t3 = System.nanoTime();
            double lp = Scorer.score(lm, List.of(new TokenizedExample("s", ids, promptTokens)), 1).get(0).sumNll();
            double ts = secs(t3);
            System.out.printf("score: %d tokens (%d scored) in %.2f s = %.1f tokens/s, sum NLL %.3f%n",
                    ids.length, ids.length - promptTokens, ts, ids.length / ts, lp);
            long[] prompt = java.util.Arrays.copyOf(ids, promptTokens);
            long t4 = System.nanoTime();
            long[] gen = Generator.generate(lm, prompt, GenerationConfig.greedy(newTokens), List.of());
            double tg = secs(t4);
            System.out.printf("generate: prompt %d + %d new tokens in %.2f s = %.2f new tokens/s (prefill included)%n",
                    promptTokens, gen.length, tg, gen.length / tg);
            System.out.println("generated ids: " + java.util.Arrays.toString(gen));
            System.out.println("peak RSS: " + peak());
        }
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String peak() throws java.io.IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmHWM")) {
                return l.substring(6).trim();
            }
        }
        return "?";
    }
}

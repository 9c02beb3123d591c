package dev.unlearn.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.Engines;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.Generator;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.KvCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The unlearn side of the llama.cpp comparison (tools/llamacpp/README.md): for each case directory
 * (config.json, model.safetensors, prompt.json) loads the checkpoint and writes {@code unlearn.json}
 * with the prompt's last-position logits, the greedy continuation (KV cache), the largest difference
 * between the cached and the full forward over prompt + continuation, and between a right-padded
 * batch row and the same sequence alone.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.unlearn.benchmarks.ForwardComparison CASE_DIR...</pre>
 */
public final class ForwardComparison {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ForwardComparison() {}

    public static void main(String[] args) throws Exception {
        Engines.pytorch();
        for (String a : args) {
            run(Path.of(a));
        }
    }

    static void run(Path dir) throws Exception {
        JsonNode p = JSON.readTree(dir.resolve("prompt.json").toFile());
        long[] prompt = new long[p.get("prompt").size()];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = p.get("prompt").get(i).asLong();
        }
        int newTokens = p.get("new_tokens").asInt();
        ObjectNode out = JSON.createObjectNode();
        try (CausalLm lm = Checkpoint.load(dir, Device.cpu()); NDManager m = NDManager.newBaseManager()) {
            int t = prompt.length;
            NDArray full = lm.forward(m.create(prompt, new Shape(1, t)), null, false).logits();
            float[] last = full.get(new NDIndex("0, -1")).toFloatArray();
            out.set("last_logits", JSON.valueToTree(last));
            long[] gen = Generator.generate(lm, prompt, GenerationConfig.greedy(newTokens), List.of());
            out.set("greedy", JSON.valueToTree(gen));
            // cached forward (prompt in chunks of 97, then one token at a time) vs one full forward
            long[] all = Arrays.copyOf(prompt, t + gen.length);
            System.arraycopy(gen, 0, all, t, gen.length);
            float[] ref = lm.forward(m.create(all, new Shape(1, all.length)), null, false).logits().toFloatArray();
            double kv = 0;
            int v = lm.config().vocabSize();
            try (KvCache cache = lm.newCache(m)) {
                int pos = 0;
                while (pos < all.length) {
                    int n = pos < t ? Math.min(97, t - pos) : 1;
                    float[] got = lm.forwardIncremental(m.create(Arrays.copyOfRange(all, pos, pos + n), new Shape(1, n)),
                            cache).logits().toFloatArray();
                    for (int i = 0; i < got.length; i++) {
                        kv = Math.max(kv, Math.abs(got[i] - ref[pos * v + i]));
                    }
                    pos += n;
                }
            }
            out.put("kv_vs_full_max_abs", kv);
            // right-padded batch: row 1 is the first half of the prompt
            int h = t / 2;
            long[] batch = new long[2 * t];
            long[] mask = new long[2 * t];
            System.arraycopy(prompt, 0, batch, 0, t);
            System.arraycopy(prompt, 0, batch, t, h);
            Arrays.fill(mask, 0, t + h, 1);
            NDArray bl = lm.forward(m.create(batch, new Shape(2, t)), m.create(mask, new Shape(2, t)), false).logits();
            float[] row0 = bl.get(new NDIndex("0")).toFloatArray();
            float[] row1 = bl.get(new NDIndex("1, :{}", h)).toFloatArray();
            float[] single1 = lm.forward(m.create(Arrays.copyOf(prompt, h), new Shape(1, h)), null, false).logits()
                    .toFloatArray();
            float[] single0 = full.toFloatArray();
            double pad = 0;
            for (int i = 0; i < row1.length; i++) {
                pad = Math.max(pad, Math.abs(row1[i] - single1[i]));
            }
            for (int i = 0; i < row0.length; i++) {
                pad = Math.max(pad, Math.abs(row0[i] - single0[i]));
            }
            out.put("padded_vs_single_max_abs", pad);
        }
        Files.writeString(dir.resolve("unlearn.json"), JSON.writeValueAsString(out));
        System.out.println(dir + ": unlearn done; kv " + out.get("kv_vs_full_max_abs") + ", padded "
                + out.get("padded_vs_single_max_abs"));
    }
}

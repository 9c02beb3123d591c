package dev.unlearn.benchmarks;

import ai.djl.ndarray.NDArray;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * What the library's reproducibility settings cost, and whether they change results: runs N training
 * steps of the benchmark model (dim 256, 6 layers, batch 8 x 128) and prints the median step time, the
 * final loss and a SHA-256 over the final weights. Run it under different environments and compare,
 * as {@code benchmarks/repro-settings.sh} does: {@code MKL_CBWR} (MKL's conditional numerical
 * reproducibility: {@code AUTO}, {@code AVX2,STRICT}, {@code COMPATIBLE}) and
 * {@code ATEN_CPU_CAPABILITY} (libtorch's kernel dispatch: {@code default}, {@code avx2},
 * {@code avx512}).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.unlearn.benchmarks.ReproHarness [steps=20]}
 */
public final class ReproHarness {
    private ReproHarness() {}

    public static void main(String[] args) throws Exception {
        int steps = TrainStep.intArg(args, 0, 20);
        TrainStep.withWarmModel(8, 128, (lm, train, batch) -> {
            long[] ns = new long[steps];
            float loss = 0;
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                loss = train.step(batch);
                ns[s] = System.nanoTime() - t0;
            }
            java.util.Arrays.sort(ns);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (NDArray p : lm.parameters().values()) {
                float[] v = p.toFloatArray();
                ByteBuffer bb = ByteBuffer.allocate(v.length * 4);
                bb.asFloatBuffer().put(v);
                sha.update(bb.array());
            }
            System.out.printf("MKL_CBWR=%s ATEN_CPU_CAPABILITY=%s median step %.1f ms (%.0f tok/s) final loss %.9f"
                    + " weights %s%n", System.getenv().getOrDefault("MKL_CBWR", "(unset)"),
                    System.getenv().getOrDefault("ATEN_CPU_CAPABILITY", "(unset)"), ns[steps / 2] / 1e6,
                    8 * 128 / (ns[steps / 2] / 1e9), loss, HexFormat.of().formatHex(sha.digest()).substring(0, 16));
        });
    }
}

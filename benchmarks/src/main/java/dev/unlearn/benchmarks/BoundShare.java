package dev.unlearn.benchmarks;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;

/**
 * The share of the GEMM-bound limit that {@link ModelBenchmark}'s training step reaches, measured in one
 * JVM with the two halves interleaved, so the host's drift (a third between minutes on a shared VM) hits
 * both alike: each round times one step's products ({@link GemmBound#stepProductsMs}, median of 5 each)
 * and then {@code steps} training steps ({@link TrainStep}, median), and prints products / step, which is
 * the step's tokens/s over the limit's. The median over the rounds is the figure.
 *
 * <pre>java -Dai.djl.pytorch.num_threads=2 -cp benchmarks/target/benchmarks.jar dev.unlearn.benchmarks.BoundShare [rounds=8] [steps=9]</pre>
 */
public final class BoundShare {
    private BoundShare() {}

    public static void main(String[] args) throws Exception {
        int rounds = TrainStep.intArg(args, 0, 8);
        int steps = TrainStep.intArg(args, 1, 9);
        System.out.println(GemmBound.dispatchLine());
        TrainStep.withWarmModel(ModelBenchmark.BATCH, ModelBenchmark.SEQ, (lm, train, batch) -> {
            try (NDManager nd = NDManager.newBaseManager()) {
                List<GemmBound.Gemm> gemms = GemmBound.products(nd);
                double[] share = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    double products = GemmBound.stepProductsMs(gemms, 5);
                    double[] ms = new double[steps];
                    for (int i = 0; i < steps; i++) {
                        long t0 = System.nanoTime();
                        train.step(batch);
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                    }
                    Arrays.sort(ms);
                    double step = ms[steps / 2];
                    share[r] = products / step;
                    System.out.printf("round %d: products %.1f ms (limit %.0f tokens/s), step %.1f ms (%.0f tokens/s): %.0f%%%n",
                            r + 1, products, ModelBenchmark.TOKENS / (products / 1e3), step,
                            ModelBenchmark.TOKENS / (step / 1e3), 100 * share[r]);
                }
                Arrays.sort(share);
                System.out.printf("share of the GEMM-bound limit: median %.0f%% (range %.0f-%.0f%%) over %d rounds%n",
                        100 * share[rounds / 2], 100 * share[0], 100 * share[rounds - 1], rounds);
            }
        });
    }
}

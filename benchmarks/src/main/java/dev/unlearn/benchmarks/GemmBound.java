package dev.unlearn.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.Engines;
import dev.unlearn.core.model.Layers;
import dev.unlearn.core.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The GEMM-bound limit of {@link ModelBenchmark}'s training step, measured with the library the toolkit
 * actually runs (libtorch through DJL, its bundled BLAS, the same thread count): every matrix product of
 * one step at its own shapes and operand layouts, timed alone (median of {@code reps} after warm-up).
 * A step's products take {@code Σ t}; no implementation of the step can beat {@code tokens / Σ t} tokens/s
 * with these kernels, so that is the limit the step is measured against.
 *
 * <p>Per linear layer {@code y = x Wᵀ} (x [M, K], W [N, K], M = batch x sequence): the forward
 * {@code linear(x, W)}, the input gradient {@code dY W} and the weight gradient {@code dYᵀ x}; per
 * attention the score and context batched products, forward and the two of each backward.
 *
 * <pre>java -Dai.djl.pytorch.num_threads=2 -cp benchmarks/target/benchmarks.jar dev.unlearn.benchmarks.GemmBound [reps]</pre>
 */
public final class GemmBound {
    private GemmBound() {}

    record Gemm(String name, double flops, int perStep, Supplier<NDArray> op) {}

    public static void main(String[] args) {
        int reps = TrainStep.intArg(args, 0, 15);
        Engines.pytorch();
        long m = ModelBenchmark.TOKENS;
        try (NDManager nd = NDManager.newBaseManager()) {
            List<Gemm> gemms = products(nd);
            double total = 0;
            double flops = 0;
            System.out.println(dispatchLine());
            System.out.printf("%-26s %10s %9s %9s %6s%n", "product", "MFLOP", "ms", "GFLOP/s", "/step");
            for (Gemm g : gemms) {
                double ms = medianMs(g.op, reps);
                total += ms * g.perStep;
                flops += g.flops * g.perStep;
                System.out.printf("%-26s %10.1f %9.3f %9.1f %6d%n", g.name, g.flops / 1e6, ms, g.flops / ms / 1e6,
                        g.perStep);
            }
            System.out.printf("step: %.2f GFLOP in products, %.1f ms at these rates (%.1f GFLOP/s overall)%n",
                    flops / 1e9, total, flops / total / 1e6);
            System.out.printf("GEMM-bound limit: %.0f tokens/s (80%%: %.0f tokens/s)%n", m / (total / 1e3),
                    0.8 * m / (total / 1e3));
        }
    }

    /** Which kernels MKL picks in this process (the UNLEARN_MKL_AMD shim preloaded or not), for a harness's output. */
    static String dispatchLine() {
        return "MKL kernel dispatch: " + dev.unlearn.core.BuildInfo.libraries()
                .getOrDefault("mkl_cpu_dispatch", "MKL's own (UNLEARN_MKL_AMD shim not preloaded)");
    }

    /** Milliseconds one training step's products take at the rates measured now (median of {@code reps} each). */
    static double stepProductsMs(List<Gemm> gemms, int reps) {
        double total = 0;
        for (Gemm g : gemms) {
            total += medianMs(g.op, reps) * g.perStep;
        }
        return total;
    }

    /** Every product of one {@link ModelBenchmark} training step, at its shapes and operand layouts, on arrays in {@code nd}. */
    static List<Gemm> products(NDManager nd) {
        ModelConfig c = ModelBenchmark.config();
        long m = ModelBenchmark.TOKENS;
        int layers = c.numHiddenLayers();
        long d = c.hiddenSize();
        long dh = c.headDim();
        long h = c.numAttentionHeads();
        long kv = c.numKeyValueHeads();
        long f = c.intermediateSize();
        long b = ModelBenchmark.BATCH;
        long t = ModelBenchmark.SEQ;
        List<Gemm> gemms = new ArrayList<>();
        linear(gemms, nd, "qkv", m, d, (h + 2 * kv) * dh, layers);
        linear(gemms, nd, "o", m, h * dh, d, layers);
        linear(gemms, nd, "gate_up", m, d, 2 * f, layers);
        linear(gemms, nd, "down", m, f, d, layers);
        linear(gemms, nd, "lm_head", m, d, c.vocabSize(), 1);
        // grouped attention as Layers.attention runs it: q [B, KV, rep*T, Dh] against k/v [B, KV, T, Dh]
        long rows = (h / kv) * t;
        NDArray q = nd.randomNormal(new Shape(b, kv, rows, dh));
        NDArray k = nd.randomNormal(new Shape(b, kv, t, dh));
        NDArray p = nd.randomNormal(new Shape(b, kv, rows, t));
        double sf = 2.0 * b * kv * rows * t * dh;
        gemms.add(new Gemm("scores q.kT fwd", sf, layers, () -> q.matMul(k.transpose(0, 1, 3, 2))));
        gemms.add(new Gemm("scores bwd dq = dS.k", sf, layers, () -> p.matMul(k)));
        gemms.add(new Gemm("scores bwd dk = dST.q", sf, layers, () -> p.transpose(0, 1, 3, 2).matMul(q)));
        gemms.add(new Gemm("context p.v fwd", sf, layers, () -> p.matMul(k)));
        gemms.add(new Gemm("context bwd dp = dC.vT", sf, layers, () -> q.matMul(k.transpose(0, 1, 3, 2))));
        gemms.add(new Gemm("context bwd dv = pT.dC", sf, layers, () -> p.transpose(0, 1, 3, 2).matMul(q)));
        return gemms;
    }

    /** The three products of one linear layer x [m, in] -&gt; [m, out], {@code n} of them per step. */
    private static void linear(List<Gemm> gemms, NDManager nd, String name, long m, long in, long out, int n) {
        NDArray x = nd.randomNormal(new Shape(m, in));
        NDArray w = nd.randomNormal(new Shape(out, in));
        NDArray dy = nd.randomNormal(new Shape(m, out));
        double fl = 2.0 * m * in * out;
        gemms.add(new Gemm(name + " fwd x.WT", fl, n, () -> Layers.linear(x, w, null)));
        gemms.add(new Gemm(name + " bwd dX = dY.W", fl, n, () -> dy.matMul(w)));
        gemms.add(new Gemm(name + " bwd dW = dYT.x", fl, n, () -> dy.transpose().matMul(x)));
    }

    private static double medianMs(Supplier<NDArray> op, int reps) {
        for (int i = 0; i < 3; i++) {
            op.get().close();
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            NDArray r = op.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            r.close();
        }
        java.util.Arrays.sort(ms);
        return ms[reps / 2];
    }
}

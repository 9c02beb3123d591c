package dev.unlearn.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.model.CausalLm;
import java.nio.file.Path;

/**
 * Where a {@link ModelBenchmark} step spends its time, op by op: runs warm-up steps, then {@code N}
 * steps of {@code forward} or {@code train} under libtorch's profiler (DJL's {@code JniUtils.startProfile})
 * and writes its Chrome trace; {@code benchmarks/profile-summary.py} turns the trace into a table of self
 * time per op.
 *
 * <pre>java -Dai.djl.pytorch.num_threads=2 -cp benchmarks/target/benchmarks.jar dev.unlearn.benchmarks.OpProfile train 5 /tmp/train.json</pre>
 */
public final class OpProfile {
    private OpProfile() {}

    /** This process's minor page faults so far (field 10 of /proc/self/stat; -1 where there is no procfs). */
    static long minorFaults() {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "train";
        int steps = TrainStep.intArg(args, 1, 5);
        Path out = Path.of(args.length > 2 ? args[2] : "/tmp/unlearn-profile.json");
        Engines.pytorch();
        try (NDManager root = NDManager.newBaseManager();
                CausalLm lm = CausalLm.random(ModelBenchmark.config(), root, Device.cpu(), 2);
                TrainStep train = new TrainStep(lm, 1e-4f)) {
            Batch batch = ModelBenchmark.batch(ModelBenchmark.BATCH, ModelBenchmark.SEQ, lm.config().vocabSize(), 3);
            Runnable step = what.equals("forward") ? () -> ModelBenchmark.forward(lm, batch, root) : () -> train.step(batch);
            for (int i = 0; i < 3; i++) {
                step.run();
            }
            long faults0 = minorFaults();
            long t0 = System.nanoTime();
            long opt0 = train.optimizerNanos;
            for (int i = 0; i < steps; i++) {
                step.run();
            }
            double plain = (System.nanoTime() - t0) / 1e6 / steps;
            double optimizer = (train.optimizerNanos - opt0) / 1e6 / steps;
            long faults = (minorFaults() - faults0) / steps;
            JniUtils.startProfile(false, true, false);
            t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step.run();
            }
            double profiled = (System.nanoTime() - t0) / 1e6 / steps;
            JniUtils.stopProfile(out.toString());
            System.out.printf("%s: %.1f ms/step unprofiled (optimizer update and clearing gradients: %.1f ms; %d minor page"
                    + " faults/step), %.1f ms/step profiled (%d steps); trace %s%n", what, plain, optimizer, faults, profiled,
                    steps, out);
        }
    }
}

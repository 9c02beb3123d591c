package dev.unlearn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs N training steps of the benchmark model and prints live NDArray count and process RSS every
 * 50 steps; exits 1 if the live count grew. Run it with a fixed, pre-touched Java heap so that RSS growth
 * is native growth:
 * {@code java -Xms256m -Xmx256m -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar
 * dev.unlearn.benchmarks.MemoryHarness [steps=500] [batch=2] [seq=64]}
 */
public final class MemoryHarness {
    private MemoryHarness() {}

    public static void main(String[] args) throws Exception {
        int steps = TrainStep.intArg(args, 0, 500);
        int b = TrainStep.intArg(args, 1, 2);
        int t = TrainStep.intArg(args, 2, 64);
        TrainStep.withWarmModel(b, t, (lm, train, batch) -> {
            int live0 = train.liveArrays();
            long rss0 = rssKb();
            long start = System.nanoTime();
            float loss = 0;
            for (int s = 1; s <= steps; s++) {
                loss = train.step(batch);
                if (s % 50 == 0 || s == steps) {
                    Runtime rt = Runtime.getRuntime();
                    System.out.printf("step %d loss %.4f live arrays %d (start %d) RSS %d MiB (start %d MiB)"
                            + " heap committed %d MiB %.0f tok/s%n",
                            s, loss, train.liveArrays(), live0, rssKb() / 1024, rss0 / 1024, rt.totalMemory() >> 20,
                            (double) s * b * t / ((System.nanoTime() - start) / 1e9));
                }
            }
            if (train.liveArrays() != live0) {
                System.out.println("FAIL: live arrays grew from " + live0 + " to " + train.liveArrays());
                System.exit(1);
            }
            System.out.println("OK: live arrays flat at " + live0);
        });
    }

    static long rssKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException ex) {
            return -1;
        }
        return -1;
    }
}

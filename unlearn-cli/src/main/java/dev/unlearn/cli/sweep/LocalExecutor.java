package dev.unlearn.cli.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The embedded executor: N worker processes on this machine, each running one trial at a time with
 * the trial command ({@code unlearn sweep trial OUT INDEX}), its output in
 * {@code OUT/sweep/logs/trial-INDEX.log}. N is the smallest of what was asked for, the cores, the memory
 * available divided by the memory one trial needs, and the devices (one each, through
 * {@code CUDA_VISIBLE_DEVICES}). Each worker's libtorch gets cores / N threads. A worker that dies
 * leaves its trial unfinished (the next run redoes it); the others go on.
 */
public final class LocalExecutor {
    /** Memory one trial of the tiny demo needs with headroom (JVM + libtorch), when the file does not say. */
    static final int DEFAULT_TRIAL_MB = 1536;

    /** What a run of the executor did. */
    public record Result(int done, int failed, int crashed, int workers, double wallSeconds) {}

    private LocalExecutor() {}

    /** Workers for this machine: asked (0 = cores), bounded by cores, available memory / per-trial memory, devices. */
    public static int workers(int asked, int memoryPerTrialMb, int devices, PrintWriter log) {
        int cores = Runtime.getRuntime().availableProcessors();
        int n = asked > 0 ? asked : cores;
        List<String> why = new ArrayList<>();
        if (n > cores) {
            why.add(cores + " cores");
            n = cores;
        }
        long avail = availableMemoryMb();
        int per = memoryPerTrialMb > 0 ? memoryPerTrialMb : DEFAULT_TRIAL_MB;
        if (avail > 0 && n > Math.max(1, avail / per)) {
            n = (int) Math.max(1, avail / per);
            why.add(avail + " MiB available / " + per + " MiB per trial");
        }
        if (devices > 0 && n > devices) {
            n = devices;
            why.add(devices + " devices");
        }
        if (!why.isEmpty() && log != null) {
            log.printf("local executor: %d workers (bounded by %s)%n", n, String.join(", ", why));
        }
        return Math.max(1, n);
    }

    /** MemAvailable from /proc/meminfo, else the JVM's view of free physical memory; 0 when unknown. */
    static long availableMemoryMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemAvailable:")) {
                    return Long.parseLong(l.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException ex) {
            // not Linux
        }
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getFreeMemorySize() / (1024 * 1024);
        }
        return 0;
    }

    /** Runs the given trials with {@code workers} processes; returns when all have ended. */
    public static Result run(Path out, Plan plan, List<Integer> indices, int workers, int memoryPerTrialMb, int devices,
            boolean retryFailed, PrintWriter log) {
        long t0 = System.nanoTime();
        Path logs = out.resolve("sweep").resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot create " + logs, ex);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Math.max(1, cores / workers);
        Deque<Integer> queue = new ArrayDeque<>(indices);
        Map<Integer, Process> running = new LinkedHashMap<>();
        Map<Integer, Integer> slotOf = new LinkedHashMap<>();
        Map<Integer, Long> startOf = new LinkedHashMap<>();
        boolean[] busy = new boolean[workers];
        int done = 0;
        int failed = 0;
        int crashed = 0;
        int finished = 0;
        Thread hook = new Thread(() -> running.values().forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            while (!queue.isEmpty() || !running.isEmpty()) {
                while (!queue.isEmpty() && running.size() < workers) {
                    int i = queue.poll();
                    int slot = 0;
                    while (busy[slot]) {
                        slot++;
                    }
                    busy[slot] = true;
                    running.put(i, start(out, i, slot, threads, memoryPerTrialMb, devices, retryFailed, logs));
                    slotOf.put(i, slot);
                    startOf.put(i, System.nanoTime());
                }
                Integer ended = null;
                for (Map.Entry<Integer, Process> e : running.entrySet()) {
                    if (!e.getValue().isAlive()) {
                        ended = e.getKey();
                        break;
                    }
                }
                if (ended == null) {
                    try {
                        running.values().iterator().next().waitFor(200, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        running.values().forEach(Process::destroy);
                        throw new IllegalStateException("interrupted; the running trials were stopped", ex);
                    }
                    continue;
                }
                Process p = running.remove(ended);
                busy[slotOf.remove(ended)] = false;
                double secs = (System.nanoTime() - startOf.remove(ended)) / 1e9;
                finished++;
                Plan.Trial t = plan.trial(ended);
                var m = TrialRunner.finished(out, t);
                String state;
                if (p.exitValue() == 0 && m != null) {
                    state = m.path("status").asText();
                    if (state.equals("done")) {
                        done++;
                    } else {
                        failed++;
                    }
                } else {
                    crashed++;
                    state = "crashed (exit " + p.exitValue() + "; see " + out.relativize(logs.resolve("trial-" + ended + ".log"))
                            + "); the next run redoes it";
                }
                log.printf(Locale.ROOT, "[%d/%d] trial %d %s %s: %s in %.1f s%s%n", finished, indices.size(), ended,
                        t.label(), t.params(), state, secs, metrics(out, t));
                log.flush();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ex) {
                // shutting down
            }
        }
        return new Result(done, failed, crashed, workers, (System.nanoTime() - t0) / 1e9);
    }

    private static String metrics(Path out, Plan.Trial t) {
        try {
            var r = Plan.JSON.readTree(TrialRunner.dir(out, t).resolve("result.json").toFile()).path("metrics");
            if (r.isMissingNode()) {
                return "";
            }
            return String.format(Locale.ROOT, " (forget_quality %.4g, model_utility %.4f)",
                    r.path("forget_quality").asDouble(Double.NaN), r.path("model_utility").asDouble(Double.NaN));
        } catch (IOException ex) {
            return "";
        }
    }

    private static Process start(Path out, int index, int slot, int threads, int memoryPerTrialMb, int devices,
            boolean retryFailed, Path logs) {
        List<String> cmd = new ArrayList<>(TrialCommand.java(memoryPerTrialMb > 0 ? memoryPerTrialMb : 0));
        cmd.add(cmd.size() - 3, "-Dai.djl.pytorch.num_threads=" + threads);
        cmd.add(cmd.size() - 3, "-Dai.djl.pytorch.num_interop_threads=1");
        cmd.addAll(List.of("sweep", "trial", out.toAbsolutePath().toString(), Integer.toString(index), "--executor-name",
                "local"));
        if (retryFailed) {
            cmd.add("--retry-failed");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("MKL_NUM_THREADS", Integer.toString(threads));
        pb.environment().putIfAbsent("GOMP_SPINCOUNT", "1000");
        if (devices > 0) {
            pb.environment().put("CUDA_VISIBLE_DEVICES", Integer.toString(slot));
        }
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("trial-" + index + ".log").toFile()));
        try {
            return pb.start();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot start the trial command " + cmd.get(0), ex);
        }
    }
}

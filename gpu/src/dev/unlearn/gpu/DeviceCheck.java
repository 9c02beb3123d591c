package dev.unlearn.gpu;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.Engines;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.score.Scorer;
import dev.unlearn.core.score.SequenceScore;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.core.train.Backprop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The device checks of gpu/device-run.sh, one process, each check timed and recorded even when an
 * earlier one failed: a tensor on the device, a matmul against the CPU, a backward against the
 * analytic gradient, the stories260k checkpoint scored on the device against its float64 reference,
 * a backward through that model against the same on the CPU, and one Llama-3.2-1B-shaped decoder layer
 * at T = 2,048 (forward and backward, timed). Writes OUT/device-check.json (temp, then rename) and exits
 * 0 when every check passed, 1 otherwise, 2 on bad arguments.
 *
 * <pre>java -cp 'lib/*' dev.unlearn.gpu.DeviceCheck --device gpu --fixture DIR --out DIR [--budget-s 300]</pre>
 *
 * Runs on the CPU too (--device cpu): the same code path, the device side then being the CPU.
 */
public final class DeviceCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Device device;
    private final Path fixture;
    private final long deadline;
    private final ObjectNode report = JSON.createObjectNode();
    private final ArrayNode checks = report.putArray("checks");
    private boolean allPassed = true;

    private DeviceCheck(Device device, Path fixture, long budgetSeconds) {
        this.device = device;
        this.fixture = fixture;
        this.deadline = System.nanoTime() + budgetSeconds * 1_000_000_000L;
    }

    public static void main(String[] args) throws Exception {
        String dev = "gpu";
        Path fixture = null;
        Path out = null;
        long budget = 300;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage("option " + a + " needs a value");
            }
            switch (a) {
                case "--device" -> dev = args[++i];
                case "--fixture" -> fixture = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--budget-s" -> budget = Long.parseLong(args[++i]);
                default -> usage("unknown option " + a);
            }
        }
        if (out == null) {
            usage("--out DIR is required");
        }
        if (fixture != null && !Files.isRegularFile(fixture.resolve("reference.json"))) {
            usage("--fixture " + fixture + " has no reference.json (use the stories260k fixture)");
        }
        Files.createDirectories(out);
        Device device;
        try {
            device = Engines.device(dev);
        } catch (dev.unlearn.core.InvalidInputException ex) {
            System.err.println("error: " + ex.getMessage());
            System.exit(2);
            return;
        }
        DeviceCheck c = new DeviceCheck(device, fixture, budget);
        c.run();
        Path tmp = out.resolve("device-check.json.tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), c.report);
        Files.move(tmp, out.resolve("device-check.json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        System.out.println((c.allPassed ? "ALL PASSED" : "SOME FAILED") + " -> " + out.resolve("device-check.json"));
        System.exit(c.allPassed ? 0 : 1);
    }

    private static void usage(String why) {
        System.err.println("error: " + why + "\nusage: DeviceCheck --device gpu|cpu --out DIR [--fixture DIR] [--budget-s N]");
        System.exit(2);
    }

    interface Check {
        void run(ObjectNode result) throws Exception;
    }

    private void run() {
        Engine e = Engines.pytorch();
        ObjectNode env = report.putObject("engine");
        env.put("engine", e.getEngineName() + " " + e.getVersion());
        env.put("libtorch", LibUtils.getLibtorchPath());
        env.put("cuda", e.hasCapability(StandardCapabilities.CUDA));
        env.put("cudnn", e.hasCapability(StandardCapabilities.CUDNN));
        env.put("gpu_count", e.getGpuCount());
        env.put("device", device.toString());
        check("tensor_on_device", this::tensorOnDevice);
        check("matmul_1024", this::matmul);
        check("backward_linear", this::backwardLinear);
        if (fixture != null) {
            check("stories260k_score", this::storiesScore);
            check("stories260k_backward", this::storiesBackward);
        }
        check("llama1b_layer_t2048", this::llamaLayer);
        report.put("all_passed", allPassed);
    }

    private void check(String name, Check body) {
        ObjectNode r = checks.addObject();
        r.put("name", name);
        if (System.nanoTime() > deadline) {
            r.put("status", "skipped: time budget spent");
            allPassed = false;
            System.out.println("SKIP " + name + " (time budget spent)");
            return;
        }
        long t0 = System.nanoTime();
        try {
            body.run(r);
            if (!r.has("status")) {
                r.put("status", "passed");
            }
        } catch (Throwable t) {
            r.put("status", "failed");
            r.put("error", t.toString());
        }
        r.put("seconds", (System.nanoTime() - t0) / 1e9);
        boolean ok = "passed".equals(r.get("status").asText());
        allPassed &= ok;
        System.out.println((ok ? "PASS " : "FAIL ") + name + " " + r);
    }

    private static void fail(ObjectNode r, String why) {
        r.put("status", "failed");
        r.put("why", why);
    }

    private static float[] random(long seed, int n) {
        Random rnd = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    private void tensorOnDevice(ObjectNode r) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray x = m.arange(0f, 1000f, 1f, DataType.FLOAT32);
            r.put("on", x.getDevice().toString());
            double sum = x.sum().toType(DataType.FLOAT64, false).getDouble();
            r.put("sum", sum);
            if (!x.getDevice().equals(device)) {
                fail(r, "tensor landed on " + x.getDevice() + ", asked for " + device);
            } else if (sum != 499500.0) {
                fail(r, "sum of 0..999 is " + sum + ", expected 499500");
            }
        }
    }

    private void matmul(ObjectNode r) {
        int n = 1024;
        float[] a = random(1, n * n);
        float[] b = random(2, n * n);
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu()); NDManager m = NDManager.newBaseManager(device)) {
            NDArray ref = cpu.create(a, new Shape(n, n)).matMul(cpu.create(b, new Shape(n, n)));
            NDArray x = m.create(a, new Shape(n, n));
            NDArray y = m.create(b, new Shape(n, n));
            NDArray z = x.matMul(y);
            double diff = z.toDevice(Device.cpu(), true).sub(ref).abs().max().getFloat();
            double scale = ref.abs().max().getFloat();
            r.put("max_abs_diff", diff);
            r.put("max_abs_ref", scale);
            int reps = 20;
            z.sum().getFloat(); // warm up and synchronise
            long t0 = System.nanoTime();
            NDArray acc = null;
            for (int i = 0; i < reps; i++) {
                NDArray p = x.matMul(y);
                acc = acc == null ? p : acc.add(p);
            }
            acc.sum().getFloat(); // copying a value back waits for the device
            double s = (System.nanoTime() - t0) / 1e9;
            r.put("gflops", 2.0 * n * n * n * reps / s / 1e9);
            // float32 sums of 1024 products of unit normals: ~1e-4 relative even with a different order
            if (!(diff <= 1e-4 * scale * 32)) {
                fail(r, "device result differs from the CPU by " + diff);
            }
        }
    }

    private void backwardLinear(ObjectNode r) {
        int n = 64;
        int k = 256;
        int o = 128;
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray x = m.create(random(3, n * k), new Shape(n, k));
            NDArray w = m.create(random(4, k * o), new Shape(k, o));
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                NDArray y = x.matMul(w);
                NDArray loss = Scalars.div(y.square().sum(), n * o);
                Backprop.backward(gc, loss);
            }
            NDArray g = w.getGradient();
            // d/dW mean((XW)^2) = 2/(n*o) X^T X W
            NDArray want = Scalars.mul(x.transpose().matMul(x.matMul(w)), 2.0 / (n * o));
            double diff = g.sub(want).abs().max().getFloat();
            double scale = want.abs().max().getFloat();
            r.put("grad_on", g.getDevice().toString());
            r.put("max_abs_diff", diff);
            r.put("max_abs_grad", scale);
            if (!g.getDevice().equals(device)) {
                fail(r, "gradient landed on " + g.getDevice());
            } else if (!(diff <= 1e-4 * scale)) {
                fail(r, "autograd differs from the analytic gradient by " + diff);
            }
        }
    }

    private void storiesScore(ObjectNode r) throws Exception {
        JsonNode cases = JSON.readTree(fixture.resolve("reference.json").toFile()).path("cases");
        double worstLp = 0;
        double worstLogit = 0;
        try (NDManager m = NDManager.newBaseManager(device); CausalLm lm = Checkpoint.load(fixture, m)) {
            for (JsonNode c : cases) {
                long[] ids = new long[c.get("input_ids").size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = c.get("input_ids").get(i).asLong();
                }
                SequenceScore s = Scorer.scoreIds(lm, ids);
                worstLp = Math.max(worstLp, Math.abs(s.sequenceLogprob() - c.get("sequence_logprob").asDouble()));
                JsonNode want = c.get("last_logits");
                for (int i = 0; i < want.size(); i++) {
                    worstLogit = Math.max(worstLogit, Math.abs(s.lastLogits()[i] - want.get(i).asDouble()));
                }
            }
        }
        r.put("cases", cases.size());
        r.put("max_logprob_diff", worstLp);
        r.put("max_logit_diff", worstLogit);
        if (!(worstLp <= 1e-3 && worstLogit <= 1e-3)) {
            fail(r, "device scores differ from the float64 reference (logprob " + worstLp + ", logit " + worstLogit + ")");
        }
    }

    private double[] storiesGradNorms(Device d, long[] ids, List<String> names) throws Exception {
        try (NDManager m = NDManager.newBaseManager(d); CausalLm lm = Checkpoint.load(fixture, m)) {
            Map<String, NDArray> params = lm.parameters();
            params.values().forEach(p -> p.setRequiresGradient(true));
            try (NDManager step = m.newSubManager(); GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                NDArray x = step.create(ids, new Shape(1, ids.length));
                NDArray logits = lm.forward(x, null, false).logits();
                TokenLogProbs.Result lp = TokenLogProbs.of(logits, x);
                NDArray loss = Scalars.div(lp.logProbs().sum().neg(), ids.length - 1);
                Backprop.backward(gc, loss);
            }
            names.clear();
            double[] norms = new double[params.size()];
            int i = 0;
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                names.add(e.getKey());
                norms[i++] = e.getValue().getGradient().square().sum().toType(DataType.FLOAT64, false).getDouble();
            }
            return norms;
        }
    }

    private void storiesBackward(ObjectNode r) throws Exception {
        JsonNode cases = JSON.readTree(fixture.resolve("reference.json").toFile()).path("cases");
        JsonNode c = cases.get(cases.size() - 1);
        long[] ids = new long[c.get("input_ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = c.get("input_ids").get(i).asLong();
        }
        List<String> names = new ArrayList<>();
        double[] onDevice = storiesGradNorms(device, ids, names);
        double[] onCpu = storiesGradNorms(Device.cpu(), ids, new ArrayList<>());
        double worst = 0;
        String worstName = "";
        for (int i = 0; i < onDevice.length; i++) {
            double rel = Math.abs(onDevice[i] - onCpu[i]) / Math.max(onCpu[i], 1e-12);
            if (rel > worst) {
                worst = rel;
                worstName = names.get(i);
            }
        }
        r.put("parameters", onDevice.length);
        r.put("max_rel_diff_grad_sq_norm", worst);
        r.put("worst_parameter", worstName);
        if (!(worst <= 1e-3)) {
            fail(r, "device gradients differ from the CPU's (squared norm of " + worstName + ", relative " + worst + ")");
        }
    }

    /** One decoder layer of Llama-3.2-1B's shape (dim 2048, 32/8 heads, FFN 8192) at B=1, T=2,048. */
    private void llamaLayer(ObjectNode r) {
        int t = device.isGpu() ? 2048 : 128; // on a CPU the rehearsal only proves the path
        ModelConfig cfg = ModelConfig.llama(2048, 1, 32, 8, 8192, 1024);
        r.put("tokens", t);
        try (NDManager root = NDManager.newBaseManager(device); CausalLm lm = CausalLm.random(cfg, root, device, 1)) {
            long[] ids = new long[t];
            Random rnd = new Random(5);
            for (int i = 0; i < t; i++) {
                ids[i] = rnd.nextInt(1024);
            }
            lm.parameters().values().forEach(p -> p.setRequiresGradient(true));
            double[] secs = new double[3];
            for (int rep = 0; rep < secs.length; rep++) {
                long t0 = System.nanoTime();
                try (NDManager step = root.newSubManager(); GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                    NDArray x = step.create(ids, new Shape(1, t));
                    NDArray logits = lm.forward(x, null, false).logits();
                    NDArray loss = Scalars.div(TokenLogProbs.of(logits, x).logProbs().sum().neg(), t - 1);
                    Backprop.backward(gc, loss);
                    loss.getFloat(); // wait for the device
                }
                lm.parameters().values().iterator().next().getGradient().sum().getFloat();
                secs[rep] = (System.nanoTime() - t0) / 1e9;
            }
            r.put("first_step_s", secs[0]);
            r.put("steady_step_s", Math.min(secs[1], secs[2]));
            // the materialised scores: B*H*T*T float32, kept for backward as scores and softmax output
            r.put("scores_bytes_per_layer", 1L * 32 * t * t * 4);
        }
    }
}

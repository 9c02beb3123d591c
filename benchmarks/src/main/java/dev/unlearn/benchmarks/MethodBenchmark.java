package dev.unlearn.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.ForgetRetainPairing;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.train.BatchSource;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainingConfig;
import dev.unlearn.core.train.TrainingLoop;
import dev.unlearn.methods.npo.NpoConfig;
import dev.unlearn.methods.npo.NpoLoss;
import dev.unlearn.methods.npo.ReferenceNllCache;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.ssd.FisherImportance;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Milliseconds per unlearning step on {@link ModelBenchmark}'s config (Llama dim 256, 6 layers, 8/4
 * heads, FFN 688, vocab 2048), batch 8 x 128, libtorch limited to 2 intra-op threads:
 * <ul>
 *   <li>{@code npoStep}: one optimizer step of NPO as {@code MethodRunner} runs it: core's
 *       {@link TrainingLoop} (one step, AdamW, clipping) over a forget batch and a paired retain batch
 *       (8 x 128 each), loss = NPO forget term against cached reference sums + retain NLL (α = 1);</li>
 *   <li>{@code ssdImportanceBatch}: one batch of SSD's importance pass (zero gradients, forward, pooled
 *       NLL backward, add squared gradients of every tensor).</li>
 * </ul>
 * Run: {@code GOMP_SPINCOUNT=1000 OMP_NUM_THREADS=2 java -jar benchmarks/target/benchmarks.jar MethodBenchmark -wi 1 -i 3 -w 5s -r 10s -f 1}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
public class MethodBenchmark extends SharedBenchmarkSetup {
    NDManager root;
    CausalLm policy;
    NpoLoss npo;
    BatchSource pairs;
    TrainingConfig oneStep;
    Map<String, NDArray> params;
    Batch forget;
    ForwardFn forward;

    @Setup(Level.Trial)
    public void setUp() {
        Engines.pytorch();
        root = NDManager.newBaseManager();
        policy = CausalLm.random(ModelBenchmark.config(), root, Device.cpu(), 1);
        int vocab = ModelBenchmark.config().vocabSize();
        forget = ModelBenchmark.batch(ModelBenchmark.BATCH, ModelBenchmark.SEQ, vocab, 3);
        Batch retain = ModelBenchmark.batch(ModelBenchmark.BATCH, ModelBenchmark.SEQ, vocab, 4);
        List<dev.unlearn.core.data.TokenizedExample> retainEx = retain.examples().stream()
                .map(e -> new dev.unlearn.core.data.TokenizedExample("r" + e.id(), e.inputIds(), e.promptLength()))
                .toList();
        pairs = BatchSource.paired(new ForgetRetainPairing(forget.examples(), retainEx, ModelBenchmark.BATCH, 0, 0));
        forward = (b, m) -> policy.forward(b.inputIds(m), b.attentionMask(m), false).logits();
        npo = new NpoLoss(NpoConfig.defaults(), new ReferenceNllCache());
        try (CausalLm ref = policy.copy(root)) {
            npo.precompute((b, m) -> ref.forward(b.inputIds(m), b.attentionMask(m), false).logits().stopGradient(),
                    List.of(forget), root);
        }
        oneStep = TrainingConfig.builder().setLearningRate(1e-5).optMaxSteps(1).optSchedule(Schedule.CONSTANT).build();
        params = policy.parameters();
        params.values().forEach(p -> p.setRequiresGradient(true));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        policy.close();
        root.close();
    }

    @Benchmark
    public double npoStep() {
        TrainingLoop loop = new TrainingLoop(oneStep, params, pairs, ctx -> npo.loss(forward, null,
                StepBatches.of(ctx.batch("forget"), ctx.batch("retain")), ctx.manager()).total());
        return loop.run().lastLoss();
    }

    @Benchmark
    public int ssdImportanceBatch() {
        try (FisherImportance fi = FisherImportance.compute(params, forward, List.of(forget), root)) {
            return fi.batches();
        }
    }
}

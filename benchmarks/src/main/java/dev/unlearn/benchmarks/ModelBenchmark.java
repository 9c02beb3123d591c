package dev.unlearn.benchmarks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward and training-step throughput in tokens/s (JMH ops/s with one op per token) for a Llama
 * config dim 256, 6 layers, 8 heads, 4 KV heads, FFN 688, vocab 2048 on a batch of 8 x 128 tokens,
 * libtorch limited to 2 intra-op threads. Run:
 * {@code OMP_NUM_THREADS=2 java -jar benchmarks/target/benchmarks.jar ModelBenchmark -wi 2 -i 3 -w 5s -r 10s -f 1}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class ModelBenchmark extends SharedBenchmarkSetup {
    public static final int BATCH = 8;
    public static final int SEQ = 128;
    public static final int TOKENS = BATCH * SEQ;

    NDManager root;
    CausalLm model;
    CausalLm trainModel;
    TrainStep train;
    Batch batch;

    /** The benchmark's model config. */
    public static ModelConfig config() {
        return ModelConfig.llama(256, 6, 8, 4, 688, 2048);
    }

    /** A seeded batch of random full-length sequences (prompt length 1: every next token scored). */
    public static Batch batch(int b, int t, int vocab, long seed) {
        Random r = new Random(seed);
        List<TokenizedExample> ex = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            long[] ids = new long[t];
            for (int j = 0; j < t; j++) {
                ids[j] = r.nextInt(vocab);
            }
            ex.add(new TokenizedExample("b" + i, ids, 1));
        }
        return new Batch(ex, 0);
    }

    @Setup(Level.Trial)
    public void setUp() {
        Engines.pytorch();
        root = NDManager.newBaseManager();
        model = CausalLm.random(config(), root, Device.cpu(), 1);
        trainModel = CausalLm.random(config(), root, Device.cpu(), 2);
        train = new TrainStep(trainModel, 1e-4f);
        batch = batch(BATCH, SEQ, config().vocabSize(), 3);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        train.close();
        trainModel.close();
        model.close();
        root.close();
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float forward() {
        return forward(model, batch, root);
    }

    /**
     * Scores {@code batch}: the forward and the log-softmax over the vocabulary (what the PyTorch peer times
     * as its forward); returns one log-prob so that the work cannot be skipped.
     */
    static float forward(CausalLm model, Batch batch, NDManager root) {
        try (NDManager step = root.newSubManager()) {
            NDArray logits = model.forward(batch.inputIds(step), batch.attentionMask(step), false).logits();
            return logits.logSoftmax(-1).getFloat(0, 0, 0);
        }
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float trainStep() {
        return train.step(batch);
    }
}

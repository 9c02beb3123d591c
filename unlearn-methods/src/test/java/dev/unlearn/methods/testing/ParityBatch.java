package dev.unlearn.methods.testing;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.StepBatches;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fixed padded batches and hand-made forwards of docs/methods-parity.md §P0 (the same ones
 * {@code tools/parity/vectors.py} builds): vocabulary 4, pad id 0, logits
 * {@code z[b,t,v] = (((3·id + 5·v + 7·t + salt) mod 11) − 5) / 4}, salt 0 for π_θ and 4 for π_ref.
 */
public final class ParityBatch {
    public static final int V = 4;

    private ParityBatch() {}

    /** Forget batch: {@code [1,2,0,3,1]} (prompt 2) and {@code [2,3,1]} (prompt 1), right-padded to 5. */
    public static final Batch FORGET = batch("f", new long[] {1, 2, 0, 3, 1}, 2, new long[] {2, 3, 1}, 1);
    /** Template (idk) batch, the same questions: {@code [1,2,3,3]} (prompt 2) and {@code [2,1,0,2,1]} (prompt 1). */
    public static final Batch TEMPLATES = batch("t", new long[] {1, 2, 3, 3}, 2, new long[] {2, 1, 0, 2, 1}, 1);
    /** Retain batch: {@code [3,1,2]} (prompt 1) and {@code [1,1,3,2]} (prompt 2). */
    public static final Batch RETAIN = batch("r", new long[] {3, 1, 2}, 1, new long[] {1, 1, 3, 2}, 2);

    private static Batch batch(String prefix, long[] a, int pa, long[] b, int pb) {
        List<TokenizedExample> ex = new ArrayList<>();
        ex.add(new TokenizedExample(prefix + 0, a, pa));
        ex.add(new TokenizedExample(prefix + 1, b, pb));
        return new Batch(ex, 0);
    }

    /** The exact-in-binary logits of §P0 for a batch, in {@code type}. */
    public static ForwardFn forward(int salt, DataType type) {
        return forward(salt, type, V);
    }

    /** The same formula over a vocabulary of {@code vocab} tokens. */
    public static ForwardFn forward(int salt, DataType type, int vocab) {
        return (b, m) -> {
            long[] ids = b.inputIds(m).toLongArray();
            int w = b.width();
            double[] z = new double[ids.length * vocab];
            for (int i = 0; i < ids.length; i++) {
                int t = i % w;
                for (int v = 0; v < vocab; v++) {
                    z[i * vocab + v] = (Math.floorMod(3 * ids[i] + 5 * v + 7 * t + salt, 11) - 5) / 4.0;
                }
            }
            return m.create(z, new Shape(b.size(), w, vocab)).toType(type, false);
        };
    }

    /** π_θ of §P0. */
    public static ForwardFn policy(DataType type) {
        return forward(0, type);
    }

    /** π_ref of §P0. */
    public static ForwardFn reference(DataType type) {
        return forward(4, type);
    }

    /** The method's loss bound from {@code cfg} over its defaults, with an empty context. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static LossMethod lossMethod(String method, Map<String, ?> cfg) {
        UnlearningMethod u = Methods.byName(method);
        MethodContext<String> ctx = new MethodContext<>("model", () -> "ref", List.of(), List.of(), List.of(), null, 0);
        return u.lossMethod(u.bind(cfg), ctx, new ModelInfo(2, 3, V));
    }

    /** One step of {@code loss} on the §P0 batches with π_θ and π_ref in {@code type}. */
    public static StepLoss step(LossMethod loss, DataType type, NDManager m) {
        return loss.loss(policy(type), reference(type), new StepBatches(FORGET, RETAIN, TEMPLATES, null), m);
    }

    /**
     * Checks the total against the float64 vector: to 1e-12 relative in float64, and to float32 rounding
     * (2e-6 relative, 1e-6 absolute) with float32 forwards.
     */
    public static void assertVector(String method, Map<String, ?> cfg, double expected, NDManager m) {
        double f64 = Nd.scalar(step(lossMethod(method, cfg), DataType.FLOAT64, m).total());
        Nd.close(expected, f64, 1e-12, 1e-15, method + " " + cfg + " float64");
        StepLoss s32 = step(lossMethod(method, cfg), DataType.FLOAT32, m);
        org.junit.jupiter.api.Assertions.assertEquals(DataType.FLOAT32, s32.total().getDataType(), method + " float32");
        Nd.close(expected, s32.total().getFloat(), 2e-6, 1e-6, method + " " + cfg + " float32");
    }
}

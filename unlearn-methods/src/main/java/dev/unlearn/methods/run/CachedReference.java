package dev.unlearn.methods.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.train.BatchSource;
import dev.unlearn.methods.spi.ForwardFn;
import dev.unlearn.methods.spi.ReferenceUse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * π_ref as a {@link ForwardFn} that reads its outputs back from a {@link ReferenceCache} (full mode, issue
 * 16): the runner {@link #plan plans} what the run's micro-batches will ask, then {@link #fill fills} the
 * cache once, before the first update, from the model itself (which is π_ref until then), and hands this
 * forward to the reference pass and to the steps instead of a model copy.
 *
 * <p>Two granularities ({@link Granularity}): per micro-batch, computed on exactly the batches the steps
 * and the reference pass will pass in (bit-identical to a resident copy), or per example, computed once in
 * batches of distinct examples. Per example, logits and layer outputs are kept for as many positions as
 * the widest micro-batch that holds the example ({@code W}): the rows past its own length are padding rows
 * (pad token in, masked as the batch masks it), which a KL term over all positions and the WMDP form of
 * RMU count; the forward is causal, so a batch of width {@code T ≤ W} reads the first {@code T} rows.
 * Values are kept in the model's float32 (or float64) and served as such; the runner does not cache
 * for half-precision models (their values would have to be cast back to the half type). Per-example
 * {@code NLL_sum}s are computed in batches of distinct examples in the order first met: for the reference pass's forget set these are the pass's own batches, so its values are the
 * ones computed without a cache.
 */
final class CachedReference implements ForwardFn {
    /** How values are keyed. */
    enum Granularity {
        /**
         * One file per micro-batch the run will see, computed on exactly that batch: the loss gets the very
         * numbers a resident copy would compute (same inputs, same shapes), bit for bit.
         */
        BATCH,
        /**
         * One file per example, computed once in batches of distinct examples and served to every batch that
         * holds it: smaller when examples recur (retain draws over many epochs), but a row computed in
         * another batch shape may differ from the resident copy's in the last bits (matrix kernels block by
         * shape).
         */
        EXAMPLE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final ReferenceCache cache;
    private final Granularity granularity;

    CachedReference(ReferenceCache cache, Granularity granularity) {
        this.cache = cache;
        this.granularity = granularity;
    }

    /**
     * What a cache for a run would hold.
     *
     * @param outputs output name ({@link ReferenceCache#outputName}) to cache key to item
     * @param uses output name to the use it serves
     * @param bytes the projected size on disk
     */
    record Plan(Granularity granularity, Map<String, Map<String, Item>> outputs, Map<String, ReferenceUse> uses,
            long bytes) {
        int entries() {
            return outputs.values().stream().mapToInt(Map::size).sum();
        }
    }

    /**
     * One entry of a plan: a micro-batch ({@link Granularity#BATCH}), or an example and the widest
     * micro-batch that holds it ({@link Granularity#EXAMPLE}).
     */
    record Item(Batch batch, TokenizedExample example, int width) {}

    /**
     * Walks the micro-batches the training loop will run ({@code micro} of them, numbered across epochs
     * as the loop numbers them) and collects, for each declared use, the batches or examples it asks
     * about; a {@link ReferenceUse.StepBatch#PASS} use takes the reference pass's batches ({@code passBatches}).
     *
     * @param vocab the vocabulary size (columns of logits)
     * @param hidden the hidden size (columns of a layer output)
     * @param dtype the model's dtype
     */
    static Plan plan(Granularity g, List<ReferenceUse> uses, BatchSource source, long micro, List<Batch> passBatches,
            int vocab, int hidden, DataType dtype) {
        Map<String, Map<String, Item>> outputs = new LinkedHashMap<>();
        Map<String, ReferenceUse> byName = new LinkedHashMap<>();
        for (ReferenceUse u : uses) {
            String name = ReferenceCache.outputName(u.output(), u.layer());
            outputs.computeIfAbsent(name, k -> new LinkedHashMap<>());
            byName.putIfAbsent(name, u);
            if (u.batch() == ReferenceUse.StepBatch.PASS) {
                passBatches.forEach(b -> add(g, outputs.get(name), b));
            }
        }
        long seen = 0;
        for (int epoch = 0; seen < micro; epoch++) {
            int n = source.batchesIn(epoch);
            for (int i = 0; i < n && seen < micro; i++, seen++) {
                Map<String, Batch> batches = source.batches(epoch, i);
                for (ReferenceUse u : uses) {
                    Batch b = u.batch() == ReferenceUse.StepBatch.PASS ? null : batches.get(u.batch().label());
                    if (b != null) {
                        add(g, outputs.get(ReferenceCache.outputName(u.output(), u.layer())), b);
                    }
                }
            }
        }
        DataType stored = dtype == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
        long bytes = 0;
        for (Map.Entry<String, Map<String, Item>> o : outputs.entrySet()) {
            ReferenceUse u = byName.get(o.getKey());
            for (Item it : o.getValue().values()) {
                long rows = it.batch() != null ? (long) it.batch().size() * it.batch().width() : it.width();
                bytes += switch (u.output()) {
                    case NLL_SUM -> ReferenceCache.fileBytes(it.batch() != null ? it.batch().size() : 1, 1, stored);
                    case LOGITS -> ReferenceCache.fileBytes(rows, vocab, stored);
                    case LAYER_OUTPUT -> ReferenceCache.fileBytes(rows, hidden, stored);
                };
            }
        }
        return new Plan(g, outputs, byName, bytes);
    }

    private static void add(Granularity g, Map<String, Item> items, Batch b) {
        if (g == Granularity.BATCH) {
            items.putIfAbsent(ReferenceCache.key(b), new Item(b, null, b.width()));
            return;
        }
        for (TokenizedExample e : b.examples()) {
            items.merge(ReferenceCache.key(e), new Item(null, e, b.width()),
                    (x, y) -> x.width() >= y.width() ? x : new Item(null, x.example(), y.width()));
        }
    }

    /**
     * Computes every planned output with {@code lm} (no gradient; it must be π_ref, i.e. not yet updated)
     * and writes it to {@code cache}.
     */
    static void fill(Plan plan, CausalLm lm, ReferenceCache cache, int batchSize, int maxTokens, long padId,
            NDManager parent) {
        LmForward f = new LmForward(lm, true);
        for (Map.Entry<String, Map<String, Item>> o : plan.outputs().entrySet()) {
            String name = o.getKey();
            ReferenceUse u = plan.uses().get(name);
            if (plan.granularity() == Granularity.BATCH) {
                for (Map.Entry<String, Item> it : o.getValue().entrySet()) {
                    putBatch(f, cache, u, name, it.getKey(), it.getValue().batch(), parent);
                }
            } else if (u.output() == ReferenceUse.Output.NLL_SUM) {
                List<TokenizedExample> all = new ArrayList<>();
                o.getValue().values().forEach(it -> all.add(it.example()));
                for (Batch b : Batches.sequential(all, batchSize, maxTokens, padId)) {
                    putNll(f, cache, name, b, parent);
                }
            } else {
                putExamples(lm, cache, u, name, new ArrayList<>(o.getValue().values()), batchSize, maxTokens, padId, parent);
            }
        }
    }

    private static void putBatch(LmForward f, ReferenceCache cache, ReferenceUse u, String name, String key, Batch b,
            NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            NDArray out = switch (u.output()) {
                case NLL_SUM -> f.nllSum(b, m);
                case LOGITS -> f.logits(b, m);
                case LAYER_OUTPUT -> f.layerOutput(b, u.layer(), m);
            };
            int rows = u.output() == ReferenceUse.Output.NLL_SUM ? b.size() : b.size() * b.width();
            int cols = u.output() == ReferenceUse.Output.NLL_SUM ? 1 : Math.toIntExact(out.getShape().get(2));
            put(cache, name, key, rows, cols, out);
        }
    }

    /** Writes an array's values, float64 as is, anything else as float32 (exact for half types). */
    private static void put(ReferenceCache cache, String name, String key, int rows, int cols, NDArray values) {
        DataType dt = values.getDataType();
        if (dt == DataType.FLOAT64 || rows * (long) cols == 1 && values.getShape().dimension() <= 1) {
            cache.put(name, key, rows, cols, dt, null, values.toType(DataType.FLOAT64, false).toDoubleArray());
        } else {
            cache.put(name, key, rows, cols, dt, values.toType(DataType.FLOAT32, false).toFloatArray(), null);
        }
    }

    private static void putNll(LmForward f, ReferenceCache cache, String name, Batch b, NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            NDArray s = f.nllSum(b, m);
            for (int i = 0; i < b.size(); i++) {
                TokenizedExample e = b.examples().get(i);
                if (!cache.has(name, ReferenceCache.key(e))) {
                    put(cache, name, ReferenceCache.key(e), 1, 1, s.get(i).reshape(1));
                }
            }
        }
    }

    /** Distinct examples in groups of at most {@code batchSize} (and the token budget), each padded to its widest batch. */
    private static void putExamples(CausalLm lm, ReferenceCache cache, ReferenceUse u, String name, List<Item> items,
            int batchSize, int maxTokens, long padId, NDManager parent) {
        List<Item> group = new ArrayList<>();
        int width = 0;
        for (Item it : items) {
            int w = Math.max(width, it.width());
            if (!group.isEmpty() && (group.size() == batchSize || maxTokens > 0 && (long) w * (group.size() + 1) > maxTokens)) {
                putRows(lm, cache, u, name, group, width, padId, parent);
                group.clear();
                w = it.width();
            }
            group.add(it);
            width = w;
        }
        if (!group.isEmpty()) {
            putRows(lm, cache, u, name, group, width, padId, parent);
        }
    }

    /** One forward over {@code group} padded to {@code width}; each example keeps its first {@code W} rows. */
    private static void putRows(CausalLm lm, ReferenceCache cache, ReferenceUse u, String name, List<Item> group,
            int width, long padId, NDManager parent) {
        int b = group.size();
        long[] ids = new long[b * width];
        long[] mask = new long[b * width];
        for (int i = 0; i < b; i++) {
            TokenizedExample e = group.get(i).example();
            long[] own = new Batch(List.of(e), padId).attentionMaskValues();
            for (int t = 0; t < width; t++) {
                ids[i * width + t] = t < e.length() ? e.inputIds()[t] : padId;
                mask[i * width + t] = t < own.length ? own[t] : 0;
            }
        }
        try (NDManager m = parent.newSubManager()) {
            NDArray in = m.create(ids, new Shape(b, width));
            NDArray am = m.create(mask, new Shape(b, width));
            NDArray out = (u.output() == ReferenceUse.Output.LOGITS ? lm.forward(in, am, false).logits()
                    : lm.layerOutput(in, am, u.layer())).stopGradient();
            int cols = Math.toIntExact(out.getShape().get(2));
            for (int i = 0; i < b; i++) {
                Item it = group.get(i);
                put(cache, name, ReferenceCache.key(it.example()), it.width(), cols,
                        out.get(new ai.djl.ndarray.index.NDIndex("{}, :{}", i, it.width())));
            }
        }
    }

    @Override
    public NDArray logits(Batch batch, NDManager m) {
        return rows(ReferenceCache.outputName(ReferenceUse.Output.LOGITS, -1), batch, m);
    }

    @Override
    public NDArray layerOutput(Batch batch, int layer, NDManager m) {
        return rows(ReferenceCache.outputName(ReferenceUse.Output.LAYER_OUTPUT, layer), batch, m);
    }

    @Override
    public NDArray nllSum(Batch batch, NDManager m) {
        String name = ReferenceCache.outputName(ReferenceUse.Output.NLL_SUM, -1);
        String bk = ReferenceCache.key(batch);
        if (granularity == Granularity.BATCH) {
            return served(cache.get(name, bk, describe(batch)), new Shape(batch.size()), m);
        }
        double[] v = new double[batch.size()];
        DataType dt = DataType.FLOAT64;
        for (int i = 0; i < v.length; i++) {
            TokenizedExample ex = batch.examples().get(i);
            ReferenceCache.Entry e = cache.get(name, ReferenceCache.key(ex), "example " + ex.id());
            v[i] = e.f64()[0];
            dt = e.dtype();
        }
        NDArray out = m.create(v);
        return dt == DataType.FLOAT64 ? out : out.toType(dt, false);
    }

    /** {@code [B, T, cols]}: the batch's entry, or each example's first {@code T} cached rows. */
    private NDArray rows(String name, Batch batch, NDManager m) {
        int b = batch.size();
        int t = batch.width();
        if (granularity == Granularity.BATCH) {
            ReferenceCache.Entry e = cache.get(name, ReferenceCache.key(batch), describe(batch));
            return served(e, new Shape(b, t, e.cols()), m);
        }
        float[] f32 = null;
        double[] f64 = null;
        int cols = -1;
        DataType dt = null;
        for (int i = 0; i < b; i++) {
            TokenizedExample ex = batch.examples().get(i);
            ReferenceCache.Entry e = cache.get(name, ReferenceCache.key(ex), "example " + ex.id());
            if (e.rows() < t || cols >= 0 && e.cols() != cols) {
                throw new IllegalStateException("reference cache holds " + e.rows() + " x " + e.cols() + " values of "
                        + name + " for example " + ex.id() + ", the batch needs " + t + " rows"
                        + (cols >= 0 ? " of " + cols : "") + " (the cache was planned over other batches)");
            }
            if (cols < 0) {
                cols = e.cols();
                dt = e.dtype();
                if (e.f64() != null) {
                    f64 = new double[b * t * cols];
                } else {
                    f32 = new float[b * t * cols];
                }
            }
            if (f64 != null) {
                System.arraycopy(e.f64(), 0, f64, i * t * cols, t * cols);
            } else {
                System.arraycopy(e.f32(), 0, f32, i * t * cols, t * cols);
            }
        }
        Shape shape = new Shape(b, t, cols);
        NDArray out = f64 != null ? m.create(f64, shape) : m.create(f32, shape);
        return dt == DataType.FLOAT64 || dt == DataType.FLOAT32 ? out : out.toType(dt, false);
    }

    /** An entry as an array of {@code shape} in the dtype it was computed in. */
    private static NDArray served(ReferenceCache.Entry e, Shape shape, NDManager m) {
        NDArray out = e.f64() != null ? m.create(e.f64(), shape) : m.create(e.f32(), shape);
        return out.getDataType() == e.dtype() ? out : out.toType(e.dtype(), false);
    }

    private static String describe(Batch b) {
        return "the micro-batch of " + b.size() + " (" + String.join(", ", b.ids()) + "), width " + b.width();
    }
}

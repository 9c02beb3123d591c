package dev.unlearn.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Per-sequence key/value state for incremental decoding (llama3.java's {@code State}): for each layer
 * the rotated keys and the values seen so far, [B, KV, length, Dh]. All arrays live in one private
 * manager, replaced on append and freed together by {@link #close()}. Not thread-safe.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    KvCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Number of positions cached (the position of the next token). */
    public int length() {
        return length;
    }

    /** Appends one layer's new keys/values and returns the full ones (owned by the cache). */
    NDList append(int layer, NDArray k, NDArray v) {
        NDArray oldK = keys[layer];
        NDArray oldV = values[layer];
        NDArray nk;
        NDArray nv;
        if (oldK == null) {
            nk = k.duplicate();
            nv = v.duplicate();
        } else {
            nk = NDArrays.concat(new NDList(oldK, k), 2);
            nv = NDArrays.concat(new NDList(oldV, v), 2);
        }
        nk.attach(manager);
        nv.attach(manager);
        keys[layer] = nk;
        values[layer] = nv;
        if (oldK != null) {
            oldK.close();
            oldV.close();
        }
        return new NDList(nk, nv);
    }

    void advance(int n) {
        length += n;
    }

    /**
     * Keeps batch rows {@code rows} of every layer, in that order (a row may repeat): beam search
     * reorders its per-beam caches with this after selecting beams; a prefill of batch 1 expands to
     * {@code B} beams with {@code rows = [0, …, 0]}. The cached length is unchanged.
     *
     * @param rows indices into the current batch dimension
     */
    public void reorder(long[] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("reorder needs at least one row");
        }
        for (int layer = 0; layer < keys.length; layer++) {
            if (keys[layer] == null) {
                continue;
            }
            NDArray idx = manager.create(rows);
            NDArray nk = keys[layer].get(idx);
            NDArray nv = values[layer].get(idx);
            idx.close();
            nk.attach(manager);
            nv.attach(manager);
            keys[layer].close();
            values[layer].close();
            keys[layer] = nk;
            values[layer] = nv;
        }
    }

    /** Live arrays the cache holds (for memory checks). */
    public int liveArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}

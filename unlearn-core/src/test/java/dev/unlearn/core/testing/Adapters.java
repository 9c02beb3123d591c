package dev.unlearn.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.unlearn.core.model.LoraAdapters;
import java.util.Random;

/** Test helpers for LoRA adapters. */
public final class Adapters {
    private Adapters() {}

    /** Fills every B with seeded normal(0, 0.05) values, so the adapters change the outputs (fresh B is zero). */
    public static void randomB(LoraAdapters a, long seed) {
        Random r = new Random(seed);
        for (String w : a.adaptedWeights()) {
            NDArray b = a.b(w);
            float[] v = new float[Math.toIntExact(b.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.05);
            }
            b.set(new NDIndex("..."), b.getManager().create(v, b.getShape()));
        }
    }
}

package dev.unlearn.core;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.*;

class EngineSmokeTest {
    @Test
    void pytorchLoads() {
        Engine e = Engine.getEngine("PyTorch");
        System.out.println("engine " + e.getEngineName() + " " + e.getVersion());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3});
            assertEquals(6f, a.sum().getFloat(), 1e-6);
        }
    }
}

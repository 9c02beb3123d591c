package dev.unlearn.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LoraAdapters;
import dev.unlearn.core.model.LoraConfig;
import dev.unlearn.core.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop over LoRA adapters: the optimizer's state (the checkpoint's tensor list) holds only
 * the adapters' A and B, the base is unchanged bit for bit and takes no gradient, and the loss falls.
 */
class AdapterTrainingTest {
    @Test
    void onlyAdaptersTrainAndHoldOptimizerState(@TempDir Path tmp) {
        Engines.pytorch();
        ModelConfig cfg = ModelConfig.llama(32, 2, 4, 2, 48, 61);
        Random r = new Random(1);
        List<TokenizedExample> data = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            long[] ids = new long[10];
            for (int j = 0; j < ids.length; j++) {
                ids[j] = r.nextInt(61);
            }
            data.add(new TokenizedExample("x" + i, ids, 3));
        }
        try (NDManager root = NDManager.newBaseManager(); CausalLm lm = CausalLm.random(cfg, root, Device.cpu(), 2)) {
            Map<String, float[]> base = new HashMap<>();
            lm.parameters().forEach((k, v) -> base.put(k, v.toFloatArray()));
            LoraAdapters a = lm.attachAdapters(new LoraConfig(4, 8, 0, List.of("all"), false), 0);
            TrainingConfig tc = TrainingConfig.builder().setLearningRate(1e-2).optMaxSteps(8)
                    .optSchedule(Schedule.CONSTANT).optCheckpointDir(tmp).build();
            TrainingLoop loop = new TrainingLoop(tc, a.parameters(), BatchSource.shuffled(data, 4, 0, 0),
                    FineTune.objective(lm));
            TrainingLoop.Result res = loop.run();
            assertEquals(8, res.steps());
            assertTrue(res.losses().get(7) < res.losses().get(0), "loss falls: " + res.losses());
            TrainerState.Header h = TrainerState.readHeader(tmp);
            assertEquals(new ArrayList<>(a.parameters().keySet()), h.names(), "optimizer state: the adapters only");
            assertTrue(h.names().stream().allMatch(n -> n.contains(".lora_A.") || n.contains(".lora_B.")));
            for (Map.Entry<String, NDArray> e : lm.parameters().entrySet()) {
                assertArrayEquals(base.get(e.getKey()), e.getValue().toFloatArray(), "base changed: " + e.getKey());
                assertFalse(e.getValue().hasGradient(), "base weight requires a gradient: " + e.getKey());
            }
        }
    }
}

package dev.unlearn.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.djl.engine.StandardCapabilities;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.Engines;
import dev.unlearn.core.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code --device gpu} on a build whose libtorch cannot reach a GPU (the default CPU build) is bad input:
 * exit 2 with a message that names the fixes, not DJL's "not linked with support for cuda devices" (exit 3).
 */
class GpuDeviceCliTest {

    @Test
    void gpuOnACpuBuildSaysWhatToDoAndExitsTwo() {
        assumeFalse(Engines.pytorch().hasCapability(StandardCapabilities.CUDA), "this libtorch has a usable GPU");
        Path dir = Fixtures.fixture("stories260k");
        for (String dev : new String[] {"gpu", "gpu:1"}) {
            CliRun r = CliRun.of("score", "--model", dir.toString(), "--input-ids", "1,2,3", "--device", dev);
            assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
            assertTrue(r.err().startsWith("error: device '" + dev + "'"), r.toString());
            assertTrue(r.err().contains("--device cpu"), r.toString());
            assertTrue(r.err().contains("-Pgpu") && r.err().contains("gpu/README.md"), r.toString());
            assertFalse(r.err().contains("EngineException"), r.toString());
        }
    }

    @Test
    void cpuAndUnknownDevicesAreUnchanged() {
        assumeFalse(Engines.pytorch().hasCapability(StandardCapabilities.CUDA), "this libtorch has a usable GPU");
        Path dir = Fixtures.fixture("stories260k");
        assertEquals(0, CliRun.of("score", "--model", dir.toString(), "--input-ids", "1,2,3", "--device", "cpu").code());
        CliRun r = CliRun.of("score", "--model", dir.toString(), "--input-ids", "1,2,3", "--device", "tpu");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("Unknown device 'tpu'"), r.toString());
    }
}

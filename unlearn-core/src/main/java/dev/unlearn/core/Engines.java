package dev.unlearn.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.LibUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts DJL's PyTorch engine offline. Every entry point of the library calls {@link #pytorch()}
 * before it touches an {@code NDManager}: it sets {@code ai.djl.offline=true} (so nothing is ever
 * downloaded) and turns a missing native library into a message that says what to add.
 */
public final class Engines {
    /** cpu, gpu, gpu:N, and DJL's own spelling gpuN. */
    private static final Pattern DEVICE = Pattern.compile("(cpu|gpu(?::?([0-9]{1,4}))?)");
    private static volatile Engine engine;

    private Engines() {}

    /** Returns the PyTorch engine, loading it offline on first use. */
    public static Engine pytorch() {
        Engine e = engine;
        if (e != null) {
            return e;
        }
        synchronized (Engines.class) {
            if (engine == null) {
                System.setProperty("ai.djl.offline", "true");
                if (System.getProperty("ai.djl.default_engine") == null) {
                    System.setProperty("ai.djl.default_engine", "PyTorch");
                }
                try {
                    engine = Engine.getEngine("PyTorch");
                } catch (RuntimeException | UnsatisfiedLinkError err) {
                    throw new UnlearnException(
                            "Could not load the PyTorch native library offline. The classpath must hold"
                                    + " ai.djl.pytorch:pytorch-native-cpu:2.7.1 (classifier linux-x86_64) and"
                                    + " ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0, or the CUDA flavour built with"
                                    + " -Pgpu. Cause: " + err,
                            err);
                }
            }
            return engine;
        }
    }

    /**
     * Whether {@code name} spells a device ({@code cpu}, {@code gpu}, {@code gpu:N}, {@code gpuN}; null or blank: the
     * default), without loading the engine or asking whether the device is there: a recipe names the device of the
     * machine that will run it, which need not be the one that reads it.
     */
    public static boolean isDeviceName(String name) {
        return name == null || name.isBlank() || DEVICE.matcher(name.trim().toLowerCase(Locale.ROOT)).matches();
    }

    /**
     * Parses a user's device name ({@code cpu}, {@code gpu}, {@code gpu:1}; DJL's {@code gpu1} too); null or blank
     * means the default. A GPU device that the loaded libtorch cannot serve is refused here, before any tensor.
     */
    public static Device device(String name) {
        pytorch();
        if (name == null || name.isBlank()) {
            return Device.cpu();
        }
        Matcher m = DEVICE.matcher(name.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InvalidInputException("Unknown device '" + name + "': use cpu, gpu or gpu:N");
        }
        if (m.group(1).equals("cpu")) {
            return Device.cpu();
        }
        int id = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        requireCuda(name.trim(), id);
        return Device.gpu(id);
    }

    /**
     * Refuses a GPU device the loaded libtorch cannot serve, before any tensor is made (DJL would fail
     * later with "PyTorch is not linked with support for cuda devices"). CUDA counts as usable when
     * libtorch reports {@code torch::cuda::is_available()}, which needs both a CUDA build and a visible GPU.
     */
    private static void requireCuda(String name, int id) {
        Engine e = pytorch();
        if (e.hasCapability(StandardCapabilities.CUDA)) {
            int count = e.getGpuCount();
            if (count > 0 && id >= count) {
                throw new InvalidInputException("device '" + name + "': only " + count + " GPU(s) are visible;"
                        + " use gpu:0" + (count > 1 ? " to gpu:" + (count - 1) : ""));
            }
            return;
        }
        String dir = libtorchDir();
        boolean cudaBuild = dir != null && Files.exists(Path.of(dir, "libtorch_cuda.so"));
        if (!cudaBuild) {
            throw new InvalidInputException("device '" + name + "' needs a CUDA build of PyTorch, but this build"
                    + " loads the CPU-only libtorch" + (dir == null ? "" : " (" + dir + ")") + ". Use --device cpu,"
                    + " or rebuild with the GPU flavour (mvn -Pgpu package, see the README's GPU section), or on a"
                    + " machine with its own CUDA PyTorch use the gpu/ bundle route (gpu/README.md).");
        }
        throw new InvalidInputException("device '" + name + "': libtorch (" + dir + ") is a CUDA build but sees"
                + " no usable GPU (torch::cuda::is_available() is false: no NVIDIA driver, a driver older than the"
                + " CUDA runtime, or CUDA_VISIBLE_DEVICES hides every device; check nvidia-smi). Use --device cpu.");
    }

    private static String libtorchDir() {
        try {
            return LibUtils.getLibtorchPath();
        } catch (RuntimeException ex) {
            return null;
        }
    }
}

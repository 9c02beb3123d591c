package dev.unlearn.core;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Starts DJL's PyTorch engine offline. Every entry point of the library calls {@link #pytorch()}
 * before it touches an {@code NDManager}: it sets {@code ai.djl.offline=true} (so nothing is ever
 * downloaded) and turns a missing native library into a message that says what to add.
 */
public final class Engines {
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

    /** Parses a user's device name ({@code cpu}, {@code gpu}, {@code gpu:1}); null or blank means the default. */
    public static Device device(String name) {
        pytorch();
        if (name == null || name.isBlank()) {
            return Device.cpu();
        }
        try {
            return Device.fromName(name.trim());
        } catch (RuntimeException ex) {
            throw new InvalidInputException("Unknown device '" + name + "': use cpu, gpu or gpu:N");
        }
    }
}

package dev.unlearn.cli;

/**
 * Log levels of the slf4j-simple backend the CLI ships with. Its defaults are in
 * {@code simplelogger.properties} (everything at WARN but the training loop's resume note, DJL's
 * "Failed to detect GPU count" probe off); this class adjusts them for {@code -q}, {@code -v} and a GPU device
 * through system properties, which slf4j-simple reads before its file. It must run before the first
 * logger is created, i.e. before any engine class loads; a level the user set with {@code -D} is kept.
 */
public final class Logging {
    static final String PREFIX = "org.slf4j.simpleLogger.";
    static final String DEFAULT_LEVEL = PREFIX + "defaultLogLevel";
    static final String OURS = PREFIX + "log.dev.unlearn.core.train.TrainingLoop";
    /** DJL probes the CUDA driver on every engine and tokenizer load and warns when there is none. */
    static final String GPU_PROBE = PREFIX + "log.ai.djl.util.cuda.CudaUtils";

    private Logging() {}

    /**
     * @param quiet {@code -q}: everything at ERROR
     * @param verbose {@code -v}: everything at DEBUG, the GPU probe included
     * @param gpu a GPU device was asked for: the GPU probe's warnings are shown (at WARN)
     */
    public static void configure(boolean quiet, boolean verbose, boolean gpu) {
        if (verbose) {
            set(DEFAULT_LEVEL, "debug");
            set(OURS, "debug");
            set(GPU_PROBE, "debug");
        } else if (quiet) {
            set(DEFAULT_LEVEL, "error");
            set(OURS, "error");
        }
        if (gpu && !verbose) {
            set(GPU_PROBE, quiet ? "error" : "warn");
        }
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

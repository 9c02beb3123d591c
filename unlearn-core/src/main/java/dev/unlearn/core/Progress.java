package dev.unlearn.core;

/**
 * Progress of a long stage (an evaluation, a search), reported by library code as it goes; the CLI
 * draws it as a progress bar, a library user may log it or ignore it. Training steps are reported
 * through {@link dev.unlearn.core.train.TrainingLoop.Listener} instead. Progress is not logging: it
 * never goes through slf4j.
 */
@FunctionalInterface
public interface Progress {
    /** Reports nothing. */
    Progress NONE = (stage, done, total, detail) -> {};

    /**
     * {@code done} of {@code total} units of {@code stage} are finished ({@code done == total}: the
     * stage is over). A new {@code stage} name starts a new count.
     *
     * @param stage short name of the stage, e.g. {@code evaluate} or {@code worst-case search}
     * @param done units finished so far, {@code 0 <= done <= total}
     * @param total units in the stage
     * @param detail what is being done now (a metric's name, the latest loss), or empty
     */
    void update(String stage, long done, long total, String detail);
}

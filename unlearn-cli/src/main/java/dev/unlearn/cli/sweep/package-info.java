/**
 * {@code unlearn sweep}: grid and random search over methods, their hyperparameters, training
 * settings, forget sets and seeds, on top of the recipe runner ({@link dev.unlearn.cli.pipeline.RunPipeline}).
 *
 * <p>A sweep file ({@link SweepLoader}) names a base recipe and a search space. {@link Plan} expands it
 * into trials; each trial is a one-method recipe, identified by the SHA-256 of its canonical JSON (the
 * <em>spec digest</em>). {@link TrialRunner} runs one trial in one process into
 * {@code OUT/trials/DIGEST/}, written in a temporary folder and renamed when complete, so a finished
 * trial is skipped and a crashed one redone. The full and retain models are built once per (forget set,
 * seed) in {@code OUT/base/KEY/} by the recipe runner and shared by every trial through its stage cache.
 * Executors ({@link LocalExecutor}, {@link SlurmExecutor}, {@link KubernetesExecutor}) all run the same
 * trial command, {@code unlearn sweep trial OUT INDEX}. {@link SweepReport} ranks trials by the file's
 * {@link Objective} from the output folder alone.
 */
package dev.unlearn.cli.sweep;

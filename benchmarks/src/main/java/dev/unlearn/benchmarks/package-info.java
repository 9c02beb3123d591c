/**
 * Performance measurements, the only place timing lives: JMH {@link dev.unlearn.benchmarks.ModelBenchmark}
 * (forward and training-step tokens/s), {@link dev.unlearn.benchmarks.MemoryHarness} (live arrays and
 * RSS over many training steps) and the inline-AdamW {@link dev.unlearn.benchmarks.TrainStep} both use.
 */
package dev.unlearn.benchmarks;

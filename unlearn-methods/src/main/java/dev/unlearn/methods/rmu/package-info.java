/**
 * {@code rmu}: representation misdirection, activation losses on one decoder block's output against a
 * seeded control vector and the reference model's activations (methods.md §7). Needs a
 * {@link dev.unlearn.methods.spi.ForwardFn} that gives hidden states. Uses the SPI only.
 */
package dev.unlearn.methods.rmu;

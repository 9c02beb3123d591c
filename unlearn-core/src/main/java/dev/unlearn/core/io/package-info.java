/**
 * Checkpoint input/output: safetensors reading (validated) and writing, Hugging Face model
 * directories ({@link dev.unlearn.core.io.Checkpoint}: single and sharded, F32/F16/BF16, atomic saves
 * with a SHA-256 manifest) and {@link dev.unlearn.core.io.Digests}. Uses {@code model} and Jackson.
 */
package dev.unlearn.core.io;

/**
 * The built-in synthetic world: a TOFU-shaped dataset of fictitious authors with world-fact rows and a
 * word-level tokenizer ({@link dev.unlearn.core.synth.SynthWorld}). Deterministic per seed. May use
 * {@code data} and {@code text}; writes files only.
 */
package dev.unlearn.core.synth;

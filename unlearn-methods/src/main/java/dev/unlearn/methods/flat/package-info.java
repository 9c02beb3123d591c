/**
 * {@code flat}: FLAT's f-divergence loss over template and forget answer probabilities, reference and
 * per-sample forms, the eight divergences with the reference-quirks switch (methods.md §5). Uses the
 * shared loss package and the SPI only.
 */
package dev.unlearn.methods.flat;

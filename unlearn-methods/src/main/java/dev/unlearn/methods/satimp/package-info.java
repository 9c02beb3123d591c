/**
 * {@code satimp}: gradient ascent on the forget tokens reweighted by saturation {@code p^β1} and
 * importance {@code (1−p)^β2} (docs/methods-parity.md §P5). Uses the shared loss package and the SPI only.
 */
package dev.unlearn.methods.satimp;

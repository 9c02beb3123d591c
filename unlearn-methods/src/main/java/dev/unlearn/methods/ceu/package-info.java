/**
 * {@code ceu}: cross-entropy unlearning, cross-entropy against the model's own detached next-token
 * distribution with the true token removed (docs/methods-parity.md §P4). Uses the shared loss package
 * and the SPI only.
 */
package dev.unlearn.methods.ceu;

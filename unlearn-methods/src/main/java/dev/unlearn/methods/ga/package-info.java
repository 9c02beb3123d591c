/**
 * {@code ga}: gradient ascent on the pooled forget-set NLL (methods.md §2). Uses the shared loss
 * package and the SPI only.
 */
package dev.unlearn.methods.ga;

/**
 * {@code npo}: negative preference optimization with a cached reference {@code NLL_sum} per forget
 * sample (methods.md §3, §1.3). Uses the shared loss package and the SPI only.
 */
package dev.unlearn.methods.npo;

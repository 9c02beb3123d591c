/**
 * {@code dpo} and {@code idkdpo}: direct preference optimisation with the forget answer as the rejected
 * and a template answer ("I don't know" for IdkDPO) as the preferred response, anchored to the frozen
 * reference model (docs/methods-parity.md §P1). Uses the shared loss package and the SPI only.
 */
package dev.unlearn.methods.dpo;

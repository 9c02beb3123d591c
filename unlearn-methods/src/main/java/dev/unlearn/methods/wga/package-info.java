/**
 * {@code wga}: weighted gradient ascent, forget-token ascent weighted by the detached token probability
 * {@code p^β} (docs/methods-parity.md §P6). Uses the shared loss package and the SPI only.
 */
package dev.unlearn.methods.wga;

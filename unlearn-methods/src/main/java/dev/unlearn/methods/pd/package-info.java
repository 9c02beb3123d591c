/**
 * {@code pd}: the prompt-decouple decorator (SafeEraser's PD loss, text-only) over any loss-based
 * method (methods.md §8.3). Looks the base up through the SPI registry; knows no method class.
 * SARR (§8.4) is an evaluation metric and belongs to unlearn-eval.
 */
package dev.unlearn.methods.pd;

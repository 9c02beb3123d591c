/**
 * {@code pdu}: primal-dual unlearning, a logit-margin flattening forget loss under a retain-loss
 * constraint enforced by a dual variable (docs/methods-parity.md §P7). Uses the shared loss package and
 * the SPI only; the dual variable lives in {@link dev.unlearn.methods.pdu.PrimalDualLoss}.
 */
package dev.unlearn.methods.pdu;

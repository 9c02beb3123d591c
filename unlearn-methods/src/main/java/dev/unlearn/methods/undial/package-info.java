/**
 * {@code undial}: self-distillation towards the reference model's logits with the target token's logit
 * lowered by β (docs/methods-parity.md §P3). Uses the shared loss package and the SPI only.
 */
package dev.unlearn.methods.undial;

/**
 * {@code graddiff}: gradient difference, forget ascent plus a retain NLL or KL term (methods.md §2).
 * Uses the shared loss package and the SPI only.
 */
package dev.unlearn.methods.graddiff;

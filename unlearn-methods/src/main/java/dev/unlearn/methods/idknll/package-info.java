/**
 * {@code idknll}: TOFU's "idk" loss, ordinary NLL on refusal answers to the forget questions plus the
 * retain NLL (docs/methods-parity.md §P2). Uses the shared loss package and the SPI only.
 */
package dev.unlearn.methods.idknll;

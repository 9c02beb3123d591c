/**
 * {@code simnpo}: SimNPO, reference-free NPO on length-normalised sequence NLL (methods.md §4). Uses
 * the shared loss package and the SPI only.
 */
package dev.unlearn.methods.simnpo;

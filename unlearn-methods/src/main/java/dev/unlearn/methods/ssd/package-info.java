/**
 * {@code ssd}: selective synaptic dampening, a direct edit: diagonal Fisher importances from squared
 * batch gradients, then in-place dampening of parameters much more important to the forget set
 * (methods.md §6). Works on a {@code Map<String, NDArray>} of named parameters (core's
 * {@code CausalLm.parameters()}); uses DJL autograd, the shared loss package and the SPI.
 */
package dev.unlearn.methods.ssd;

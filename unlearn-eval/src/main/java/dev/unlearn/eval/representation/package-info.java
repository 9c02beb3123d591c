/**
 * Representation metrics (spec §5): linear, RBF and debiased CKA, per layer and batch-averaged, and the
 * k-NN and ridge probes of our LLM adaptation. Inputs are hidden-state feature matrices in
 * {@code double}; uses Commons Math for the ridge solve.
 */
package dev.unlearn.eval.representation;

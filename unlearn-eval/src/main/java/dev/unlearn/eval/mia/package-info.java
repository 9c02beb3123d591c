/**
 * Membership-inference attacks of open-unlearning (spec §4): LOSS, ZLib, Min-K%, Min-K%++, GradNorm
 * and the reference-model attack, scored per sample on forget and holdout sets with AUC and ROC.
 * Inputs are precomputed per-sample numbers ({@link dev.unlearn.eval.mia.MiaSample}); no model code.
 */
package dev.unlearn.eval.mia;

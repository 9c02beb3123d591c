/**
 * Statistics with named algorithms: the exact two-sample Kolmogorov–Smirnov test of scipy, ROC/AUC
 * with ties as half, scipy's harmonic mean. Uses Commons Math only for the KS asymptotic branch.
 */
package dev.unlearn.eval.stats;
